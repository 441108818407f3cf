"""Who may do what: roles from a TOML file, mapped from a signed-in user's email.

Pure functions, no UI: the app asks `role_for(email, roles)` once a user has signed in and
`can(role, action)` before it offers an action. The roles file maps exact emails and
email domains to a role, with a default for everyone else::

    default_role = "viewer"

    [emails]
    "ann@example.com" = "admin"

    [domains]
    "example.com" = "editor"

An exact email wins over its domain; an email the provider says is not verified gets the
default role, so nobody gains a role by claiming an address they do not own.
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass, field
from enum import IntEnum, StrEnum
from pathlib import Path
from types import MappingProxyType
from typing import Any

from kairo_scoring.errors import KairoError


class Role(IntEnum):
    """Ordered roles: each can do everything the ones below it can."""

    VIEWER = 1  # sees every page
    EDITOR = 2  # also imports registers into the store
    ADMIN = 3  # also saves scoring profiles

    @property
    def label(self) -> str:
        return self.name.lower()


class Action(StrEnum):
    """What a user can try to do in the app."""

    VIEW = "view"
    IMPORT = "import"  # save an uploaded register as a snapshot
    EDIT_PROFILE = "edit_profile"  # save a scoring profile version


# The least role that may take each action.
MIN_ROLE: MappingProxyType[Action, Role] = MappingProxyType(
    {Action.VIEW: Role.VIEWER, Action.IMPORT: Role.EDITOR, Action.EDIT_PROFILE: Role.ADMIN}
)


@dataclass(frozen=True)
class RolesConfig:
    """Emails and email domains (lower case) mapped to roles, and the role of everyone else."""

    default_role: Role = Role.VIEWER
    emails: MappingProxyType[str, Role] = field(default_factory=lambda: MappingProxyType({}))
    domains: MappingProxyType[str, Role] = field(default_factory=lambda: MappingProxyType({}))


def parse_role(value: object, *, where: str) -> Role:
    """'editor' → Role.EDITOR; anything else raises `KairoError` naming `where`."""
    try:
        return Role[str(value).strip().upper()]
    except KeyError:
        allowed = ", ".join(r.label for r in Role)
        raise KairoError(f"Roles file: {where} is {value!r}; use one of {allowed}.") from None


def _role_table(raw: Any, section: str) -> MappingProxyType[str, Role]:
    if raw is None:
        return MappingProxyType({})
    if not isinstance(raw, dict):
        raise KairoError(f'Roles file: [{section}] must be a table of "name" = "role".')
    table = {}
    for key, value in raw.items():
        name = str(key).strip().casefold().removeprefix("@")
        if not name:
            raise KairoError(f"Roles file: [{section}] has an empty name.")
        table[name] = parse_role(value, where=f"[{section}] {key!r}")
    return MappingProxyType(table)


def roles_from_toml(text: str) -> RolesConfig:
    """Parse a roles file's text; a malformed file raises `KairoError` (never a silent default)."""
    try:
        raw = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise KairoError(f"Roles file is not valid TOML: {exc}") from None
    unknown = sorted(set(raw) - {"default_role", "emails", "domains"})
    if unknown:
        raise KairoError(
            f"Roles file: unknown key(s) {', '.join(unknown)}; use default_role, emails, domains."
        )
    return RolesConfig(
        default_role=parse_role(raw.get("default_role", "viewer"), where="default_role"),
        emails=_role_table(raw.get("emails"), "emails"),
        domains=_role_table(raw.get("domains"), "domains"),
    )


def load_roles(path: str | Path) -> RolesConfig:
    """The roles file at `path`; a missing file means everyone gets the default role (viewer)."""
    path = Path(path)
    if not path.is_file():
        return RolesConfig()
    return roles_from_toml(path.read_text(encoding="utf-8"))


def role_for(email: str | None, roles: RolesConfig, *, email_verified: bool | None = None) -> Role:
    """The role of a signed-in user: their exact email, else their email's domain, else the default.

    `email_verified=False` (the provider's own claim) always gives the default role.
    """
    if not email or email_verified is False:
        return roles.default_role
    address = str(email).strip().casefold()
    if address in roles.emails:
        return roles.emails[address]
    _, at, domain = address.rpartition("@")
    if at and domain in roles.domains:
        return roles.domains[domain]
    return roles.default_role


def can(role: Role, action: Action | str) -> bool:
    """Whether `role` may take `action`; an unknown action raises ValueError."""
    return Role(role) >= MIN_ROLE[Action(action)]
