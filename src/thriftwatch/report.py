"""Briefs: run a jupytext notebook headless with papermill, export it without code through
the one brief template, write the HTML atomically.

A brief is never exported from a live kernel: every build starts a fresh kernel on the
processed data of the run.
"""

from __future__ import annotations

import datetime as dt
import logging
from dataclasses import dataclass
from pathlib import Path

import jupytext
import nbformat
import papermill
from nbconvert import HTMLExporter

from thriftwatch.catalog import write_atomic
from thriftwatch.config import TEMPLATES_DIR, Paths


@dataclass(frozen=True)
class Brief:
    """A brief: the notebook it is built from and the HTML file it becomes."""

    name: str
    notebook: str
    title: str

    @property
    def html_name(self) -> str:
        return f"{self.name}.html"

    def edition_name(self, region: str | None = None, since: str | None = None) -> str:
        """The file of an edition: `seizures-32.html`, `trends-3273-since-2023-01-01.html`."""
        parts = [self.name, *([region] if region else []), *([f"since-{since}"] if since else [])]
        return "-".join(parts) + ".html"


BRIEFS: dict[str, Brief] = {
    b.name: b
    for b in (
        Brief(
            "mirror-gap",
            "1.0-customs-mirror-gap.py",
            "Worn clothing imports: what partners report and what Indonesia records",
        ),
        Brief(
            "seizures",
            "2.0-seizures.py",
            "Seizures of imported used clothing",
        ),
        Brief(
            "seller-concentration",
            "2.1-seller-concentration.py",
            "Where the sellers of imported used clothing are",
        ),
        Brief(
            "trends",
            "3.0-trends.py",
            "How the trade moved around the ban, the crackdown and the platform push",
        ),
        Brief(
            "policy-brief",
            "4.0-policy-brief.py",
            "Imported used clothing in Indonesia: the evidence",
        ),
    )
}


class BriefError(RuntimeError):
    """A notebook behind a brief failed; the message names the notebook and the cell."""


def _read_notebook(path: Path) -> nbformat.NotebookNode:
    """A jupytext notebook as an nbformat notebook with a kernelspec papermill can use."""
    nb = jupytext.read(path)
    nb.metadata.setdefault(
        "kernelspec", {"name": "python3", "display_name": "Python 3", "language": "python"}
    )
    nb.metadata.setdefault("language_info", {"name": "python"})
    return nb


def execute(
    notebook: Path, executed: Path, parameters: dict[str, object], cwd: Path
) -> nbformat.NotebookNode:
    """Run a notebook top to bottom in a fresh kernel with papermill; keep the executed copy."""
    executed.parent.mkdir(parents=True, exist_ok=True)
    # papermill reports progress through logging; a brief build shows its own progress.
    logging.getLogger("papermill").setLevel(logging.WARNING)
    try:
        return papermill.execute_notebook(
            _read_notebook(notebook),
            str(executed),
            parameters=parameters,
            kernel_name="python3",
            cwd=str(cwd),
            progress_bar=False,
            log_output=False,
            # the kernel's own start-up notices would otherwise reach the terminal
            extra_arguments=["--IPKernelApp.log_level=ERROR"],
        )
    except papermill.PapermillExecutionError as exc:
        raise BriefError(
            f"{notebook.name}: cell {exc.exec_count} failed: {exc.ename}: {exc.evalue}"
            f" (executed copy: {executed})"
        ) from exc


def strip_stderr(nb: nbformat.NotebookNode) -> list[str]:
    """Remove warnings and other stderr output from a notebook; return what was removed."""
    removed: list[str] = []
    for cell in nb.cells:
        kept = []
        for output in cell.get("outputs", []):
            if output.get("output_type") == "stream" and output.get("name") == "stderr":
                removed.append(str(output.get("text", "")).strip())
            else:
                kept.append(output)
        if "outputs" in cell:
            cell["outputs"] = kept
    return removed


def to_html(nb: nbformat.NotebookNode, title: str) -> str:
    """The notebook as one self-contained HTML page with no code and no prompts."""
    exporter = HTMLExporter(
        template_name="brief",
        extra_template_basedirs=[str(TEMPLATES_DIR)],
        exclude_input=True,
        exclude_input_prompt=True,
        exclude_output_prompt=True,
    )
    body, _ = exporter.from_notebook_node(nb, resources={"metadata": {"name": title}})
    return body


@dataclass(frozen=True)
class BuiltBrief:
    """What a brief build produced."""

    name: str
    html: Path
    executed: Path
    bytes: int
    removed_stderr: list[str]


def build(
    brief: Brief,
    where: Paths,
    *,
    run_id: str,
    version: str,
    manifest_sha256: str | None = None,
    region: str | None = None,
    since: str | None = None,
    plotlyjs: str = "inline",
) -> BuiltBrief:
    """Execute the brief's notebook on the processed data of `where` and write its HTML
    (an edition when `region` or `since` is given; `plotlyjs="cdn"` for online use)."""
    html_name = brief.edition_name(region, since)
    executed = where.executed_notebooks / html_name.replace(".html", ".ipynb")
    parameters: dict[str, object] = {
        "processed_dir": str(where.processed),
        "run_id": run_id,
        "region": region,
        "since": since,
        "plotlyjs": plotlyjs,
    }
    nb = execute(where.notebooks / brief.notebook, executed, parameters, where.root)
    removed = strip_stderr(nb)
    nb.metadata["thriftwatch"] = {
        "brief": brief.title,
        "built": dt.datetime.now(dt.UTC).strftime("%Y-%m-%d %H:%M UTC"),
        "run_id": run_id,
        "version": version,
        "manifest_sha256": manifest_sha256 or "",
        "region": " ".join(x for x in (region, f"since {since}" if since else None) if x),
    }
    page = to_html(nb, brief.title).encode("utf-8")
    target = write_atomic(where.reports / html_name, page)
    return BuiltBrief(brief.name, target, executed, len(page), removed)
