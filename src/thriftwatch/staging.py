"""All-or-nothing runs: a run writes into staging folders and commits them at the end.

A run starts by linking the current `processed/` and `reports/` files into hidden staging
folders beside them (hard links: no copy, and a rewrite replaces the link, never the
original), works there, and commits: a journal listing every new or changed file is written
atomically, then each is renamed into place, the manifest last, and the journal removed. A run
killed before the journal leaves `processed/` and `reports/` exactly as they were (the
staging is discarded by the next run); one killed during the renames is rolled forward from
the journal by the next run, before anything else. Readers never see a half-written file.
"""

from __future__ import annotations

import dataclasses
import json
import os
import shutil
from pathlib import Path

from thriftwatch.catalog import write_atomic
from thriftwatch.config import Paths

#: Files in `processed/` that belong to no run: the lock.
NOT_STAGED = (".run.lock",)


def stage_dir(folder: Path) -> Path:
    """The staging folder of an output folder: hidden, beside it (same file system)."""
    return folder.parent / f".{folder.name}.stage"


def public_name(folder: Path) -> str:
    """The name of an output folder, whether given staged or not."""
    name = folder.name
    if name.startswith(".") and name.endswith(".stage"):
        return name[1 : -len(".stage")]
    return name


def journal(where: Paths) -> Path:
    """The commit journal of a run writing `where`."""
    return where.processed.parent / f".{where.processed.name}.commit.json"


def _link_tree(source: Path, target: Path) -> None:
    """Mirror `source` into `target` with hard links (copies across file systems)."""
    for file in source.rglob("*") if source.is_dir() else []:
        if not file.is_file() or file.name in NOT_STAGED:
            continue
        copy = target / file.relative_to(source)
        copy.parent.mkdir(parents=True, exist_ok=True)
        try:
            os.link(file, copy)
        except OSError:
            shutil.copy2(file, copy)


def recover(where: Paths) -> list[Path]:
    """Finish a commit a killed run left half done, then discard stale staging folders;
    return the files moved into place."""
    moved = []
    record = journal(where)
    if record.is_file():
        try:
            moves = json.loads(record.read_text())["moves"]
        except (json.JSONDecodeError, KeyError):
            moves = []  # a journal is written atomically; a broken one was never committed
        for source, target in moves:
            if Path(source).is_file():
                Path(target).parent.mkdir(parents=True, exist_ok=True)
                os.replace(source, target)
                moved.append(Path(target))
        record.unlink()
    for folder in (where.processed, where.reports):
        shutil.rmtree(stage_dir(folder), ignore_errors=True)
    return moved


def begin(where: Paths) -> Paths:
    """Staging copies of `where`'s output folders, ready for a run to write into."""
    recover(where)
    staged = dataclasses.replace(
        where, processed=stage_dir(where.processed), reports=stage_dir(where.reports)
    )
    for real, stage in ((where.processed, staged.processed), (where.reports, staged.reports)):
        stage.mkdir(parents=True)
        _link_tree(real, stage)
    return staged


def final_path(path: Path, staged: Paths, where: Paths) -> Path:
    """Where a staged file lands after the commit."""
    for stage, real in ((staged.processed, where.processed), (staged.reports, where.reports)):
        if path.is_relative_to(stage):
            return real / path.relative_to(stage)
    return path


def commit(staged: Paths, where: Paths) -> list[Path]:
    """Move every new or changed staged file into place, the manifest last; return them."""
    moves: list[tuple[str, str]] = []
    last: list[tuple[str, str]] = []
    for stage in (staged.processed, staged.reports):
        for file in sorted(stage.rglob("*")):
            if not file.is_file():
                continue
            target = final_path(file, staged, where)
            if target.is_file() and os.path.samefile(file, target):
                continue  # linked at the start and not rewritten
            pair = (str(file), str(target))
            (last if target == where.manifest else moves).append(pair)
    write_atomic(journal(where), json.dumps({"moves": moves + last}).encode())
    return recover(where)
