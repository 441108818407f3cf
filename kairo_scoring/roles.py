"""Roles and actions: who may do what in the app, and the one table that says so.

`Role` orders the roles (viewer < editor < approver < admin: each can do everything the ones
below it can); `Action` names what a user can try to do; `MIN_ROLE` is the least role that
may take each action and `ACTION_TEXT` each action as the start of a sentence. `can` asks the
table. Which role a person has is the roles file's business (sign_in.py); the check at the
moment of a write is `access.authorize`.
"""

from __future__ import annotations

from enum import IntEnum, StrEnum
from types import MappingProxyType


class Role(IntEnum):
    """Ordered roles: each can do everything the ones below it can."""

    VIEWER = 1  # sees every page
    EDITOR = 2  # also imports registers, saves mapping profiles and answers, proposes decisions
    APPROVER = 3  # also approves or rejects others' decisions and reads the audit trail
    ADMIN = 4  # also saves scoring profiles and deletes snapshots

    @property
    def label(self) -> str:
        return self.name.lower()


class Action(StrEnum):
    """What a user can try to do in the app."""

    VIEW = "view"
    IMPORT = "import"  # save an uploaded register as a snapshot
    EDIT_PROFILE = "edit_profile"  # save a scoring profile version
    SAVE_MAPPING = "save_mapping"  # save a mapping profile for the next register
    DELETE_SNAPSHOT = "delete_snapshot"  # remove a stored snapshot and its rows
    SAVE_ANSWERS = "save_answers"  # land assessment or app answers as a new snapshot
    PROPOSE_DECISION = "propose_decision"  # record a decision on a pilot, to be signed off
    SIGN_OFF = "sign_off"  # approve or reject a decision someone else proposed
    READ_AUDIT = "read_audit"  # read the audit trail of every write

    @property
    def what(self) -> str:
        """The action as the start of a sentence: 'Saving a register as a snapshot'."""
        return ACTION_TEXT[self]


# The least role that may take each action: the one place that says who may do what.
# A new write adds its Action here and calls `authorize(actor, Action.…)` in the store.
MIN_ROLE: MappingProxyType[Action, Role] = MappingProxyType(
    {
        Action.VIEW: Role.VIEWER,
        Action.IMPORT: Role.EDITOR,
        Action.SAVE_MAPPING: Role.EDITOR,
        Action.SAVE_ANSWERS: Role.EDITOR,
        Action.PROPOSE_DECISION: Role.EDITOR,
        Action.SIGN_OFF: Role.APPROVER,
        Action.READ_AUDIT: Role.APPROVER,
        Action.EDIT_PROFILE: Role.ADMIN,
        Action.DELETE_SNAPSHOT: Role.ADMIN,
    }
)
ACTION_TEXT: MappingProxyType[Action, str] = MappingProxyType(
    {
        Action.VIEW: "Seeing the portfolio",
        Action.IMPORT: "Saving a register as a snapshot",
        Action.SAVE_MAPPING: "Saving a mapping profile",
        Action.SAVE_ANSWERS: "Saving answers as a new snapshot",
        Action.PROPOSE_DECISION: "Recording a decision",
        Action.SIGN_OFF: "Approving or rejecting a decision",
        Action.READ_AUDIT: "Reading the audit trail",
        Action.EDIT_PROFILE: "Saving a scoring profile",
        Action.DELETE_SNAPSHOT: "Deleting a snapshot",
    }
)


def can(role: Role, action: Action | str) -> bool:
    """Whether `role` may take `action`; an unknown action raises ValueError."""
    return Role(role) >= MIN_ROLE[Action(action)]
