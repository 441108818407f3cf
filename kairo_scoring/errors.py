"""The library's typed exceptions: few, with messages a PMO can act on."""

from __future__ import annotations

from enum import StrEnum


class Remedy(StrEnum):
    """What the user can change to get past an error, named by each caller in its own terms.

    A message says what to do in words true everywhere ("choose the column that names each
    pilot"); the caller that knows its controls adds where to do it (the CLI: ``--column
    name=HEADER``; the Intake page: its "Pilot name column" box).
    """

    NAME_COLUMN = "name_column"  # point at the column that names each pilot
    COLUMN = "column"  # map a field to another source column
    SHEET = "sheet"  # read another sheet of the workbook
    MAPPING = "mapping"  # use another mapping profile
    SCORING_PROFILE = "scoring_profile"  # fix or choose the scoring profile file
    STORE_PATH = "store_path"  # use another store file
    OUTPUT_PATH = "output_path"  # write to another output file


class KairoError(Exception):
    """Base class for every error the library raises on purpose.

    ``remedy``, when set, says which choice of the caller's the message asks the user to
    change, so a caller can name its own control for it.
    """

    def __init__(self, *args: object, remedy: Remedy | None = None):
        super().__init__(*args)
        self.remedy = remedy


class ProfileError(KairoError):
    """A scoring or mapping profile is malformed; the message names the key and the problem."""

    def __init__(self, key: str, problem: str, *, remedy: Remedy | None = None):
        self.key = key
        self.problem = problem
        super().__init__(f"profile key '{key}': {problem}", remedy=remedy)


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


class DecisionRefused(KairoError):
    """A decision or sign-off breaks a rule of the decision model (an override without a reason,
    a defer without a review date, approving one's own decision…); nothing was written.

    ``code`` is the rule's `DecisionProblem` value, for pages and tests to match on.
    """

    def __init__(self, message: str, *, code: str):
        self.code = code
        super().__init__(message)


class OutputError(KairoError):
    """An output file cannot be written (it is an input, its folder is missing, the disk is full,
    no permission); the message names the file and what to do. Nothing partial is left behind."""


__all__ = [
    "AccessDenied",
    "DecisionRefused",
    "IntakeError",
    "KairoError",
    "OutputError",
    "ProfileError",
    "Remedy",
    "StoreError",
    "StoreLockedError",
]
