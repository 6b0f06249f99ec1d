"""The kinds' defaults (reminder rules, workflow steps) of the workflows file in force, re-read when the file
changes, so a running dispatcher or feed server sees edits without a restart."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

from events.notify.workflows import KindDefaults, StepTitles, load_titles, load_workflows, titles_path


@lru_cache(maxsize=8)
def _workflows_cached(path: str | None, mtime: float) -> dict[str, KindDefaults]:
    return load_workflows(path)


def workflows(path: str | None) -> dict[str, KindDefaults]:
    """The kind defaults of the workflows file at `path` (None: the shipped one); re-read when the file
    changes (so a running dispatcher sees edits)."""
    mtime = 0.0
    if path:
        try:
            mtime = Path(path).expanduser().stat().st_mtime
        except OSError:
            mtime = -1.0
    return _workflows_cached(path, mtime)


@lru_cache(maxsize=8)
def _titles_cached(path: str | None, mtime: float) -> StepTitles:
    return load_titles(path)


def step_titles(path: str | None) -> StepTitles:
    """The step-title translations for the workflows file at `path` (None: the shipped ones); re-read when
    the `.titles.toml` beside it changes."""
    mtime = 0.0
    own = titles_path(path)
    if own is not None:
        try:
            mtime = own.stat().st_mtime
        except OSError:
            mtime = -1.0
    return _titles_cached(path, mtime)
