"""The project's own exceptions."""

from __future__ import annotations

from pathlib import Path


class DataError(ValueError):
    """A file that cannot be used at all: the message names the file, and the column and row
    when they are known. Row-level problems are never raised; those rows are quarantined."""

    def __init__(
        self,
        path: str | Path,
        problem: str,
        *,
        column: str | None = None,
        row: int | None = None,
    ) -> None:
        self.path = Path(path)
        self.problem = problem
        self.column = column
        self.row = row
        where = [str(self.path)]
        if column is not None:
            where.append(f"column {column!r}")
        if row is not None:
            where.append(f"row {row}")
        super().__init__(f"{', '.join(where)}: {problem}")


class CheckError(RuntimeError):
    """One of thriftwatch's own sanity checks failed (rows not conserved, a personal column
    about to leave the private folder): a bug to report, not a problem of a data file. Raised
    explicitly rather than asserted, so `python -O` keeps the check."""
