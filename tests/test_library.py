"""The library's face: `import thriftwatch as tw`, and the README's examples run as written."""

from __future__ import annotations

import inspect
import re

import pytest

import thriftwatch as tw
from thriftwatch.config import PROJ_ROOT

PUBLIC = ("load_customs", "load_seizures", "load_listings", "load_takedowns", "resolve_regions",
          "load", "DataError")  # fmt: skip


@pytest.mark.parametrize("name", PUBLIC)
def test_the_top_level_names_are_documented_and_typed(name):
    obj = getattr(tw, name)
    assert name in tw.__all__
    assert (obj.__doc__ or "").strip(), f"{name} has no docstring"
    if inspect.isfunction(obj):
        hints = inspect.get_annotations(obj)
        assert "return" in hints, f"{name} has no return type"
        assert set(inspect.signature(obj).parameters) <= set(hints), f"{name} lacks hints"


def readme_examples() -> list[str]:
    """The ```python blocks of the README's "Using the library" section, in order."""
    text = (PROJ_ROOT / "README.md").read_text()
    section = text.split("## Using the library", 1)[1].split("\n## ", 1)[0]
    section = section.split("\n### ", 1)[0]
    return re.findall(r"```python\n(.*?)```", section, flags=re.S)


def test_the_readme_examples_run_as_written(built, tmp_path, monkeypatch):
    """Each block runs, in order and in one namespace, in a checkout-like folder after a run:
    an example that no longer matches the code fails here."""
    where, _ = built
    blocks = readme_examples()
    assert len(blocks) >= 3
    (tmp_path / "data").symlink_to(where.raw.parent)
    (tmp_path / "README.md").write_text((PROJ_ROOT / "README.md").read_text())
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("THRIFTWATCH_RAW_DIR", str(where.raw))
    monkeypatch.setenv("THRIFTWATCH_PROCESSED_DIR", str(where.processed))
    monkeypatch.setenv("THRIFTWATCH_PRIVATE_DIR", str(where.private))
    namespace: dict[str, object] = {}
    for block in blocks:
        exec(compile(block, "README.md", "exec"), namespace)
    assert namespace["gap"].height > 0
