"""The library's typed exceptions: few, with messages a PMO can act on."""

from __future__ import annotations


class KairoError(Exception):
    """Base class for every error the library raises on purpose."""


class ProfileError(KairoError):
    """A scoring or mapping profile is malformed; the message names the key and the problem."""

    def __init__(self, key: str, problem: str):
        self.key = key
        self.problem = problem
        super().__init__(f"profile key '{key}': {problem}")


class IntakeError(KairoError):
    """A file cannot be read as a portfolio at all (not a spreadsheet, no usable columns, too large)."""


class StoreError(KairoError):
    """The portfolio store cannot do what was asked (locked by another process, unknown snapshot…)."""


class StoreLockedError(StoreError):
    """Another process holds the store file's lock."""
