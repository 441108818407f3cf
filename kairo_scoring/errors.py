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


class AccessDenied(KairoError):
    """The actor's role, read at the moment of a write, is below the role that write needs.

    ``action``, ``needed`` and ``role`` are the action's and roles' plain names
    ('import', 'editor', 'viewer'), for pages and tests to match on.
    """

    def __init__(self, message: str, *, action: str, needed: str, role: str):
        self.action = action
        self.needed = needed
        self.role = role
        super().__init__(message)


class OutputError(KairoError):
    """An output file cannot be written (it is an input, its folder is missing, the disk is full,
    no permission); the message names the file and what to do. Nothing partial is left behind."""


__all__ = [
    "AccessDenied",
    "IntakeError",
    "KairoError",
    "OutputError",
    "ProfileError",
    "StoreError",
    "StoreLockedError",
]
