"""Who may do what: the actor of a write, and the one authorisation check every write makes.

Pure functions, no UI. The app asks `role_for(email, roles)` to decide which controls to
offer; the store decides whether a write happens: every `PortfolioStore` write takes an
`Actor` and calls `authorize(actor, action)`, which reads the roles file again at that
moment, so a role changed while a page is open applies to the next click. `MIN_ROLE` is
the one place that says who may take each action.

The rule has three parts: roles.py (`Role`, `Action`, `MIN_ROLE`: who may take each action),
sign_in.py (the roles file, which maps a signed-in email or its domain to a role, and how
identities compare) and this module (`Actor`, who asks; `current_role` and `authorize`, the
check at the moment of the write; `identity_key`, which makes two actors one person). The
names of all three are importable from here, as they always were.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass
from pathlib import Path

from kairo_scoring.errors import AccessDenied
from kairo_scoring.roles import ACTION_TEXT as ACTION_TEXT
from kairo_scoring.roles import MIN_ROLE, Action, Role, can
from kairo_scoring.sign_in import DEFAULT_ROLES_PATH as DEFAULT_ROLES_PATH
from kairo_scoring.sign_in import (
    ROLES_ENV,
    RolesConfig,
    email_key,
    load_roles,
    role_for,
    roles_file_path,
    roles_from_toml,
)
from kairo_scoring.sign_in import domain_key as domain_key
from kairo_scoring.sign_in import parse_role as parse_role


@dataclass(frozen=True)
class Actor:
    """Who asks for a write, as the store checks it at the moment of the write.

    A signed-in user (`Actor.user`) is their email as the identity provider issued it,
    whether the provider verified it, and the roles file that decides their role; the
    file is read again at every check, never cached. `LOCAL_OPERATOR` is whoever runs the
    CLI, or the app with no sign-in configured: they can open the store file directly, so
    the store grants them every action. `Actor()` is nobody signed in: a viewer.

    ``name`` is a name typed rather than signed in: in open mode (`Actor.open_mode`) or on
    the CLI (`Actor.named` for ``--user``, `Actor.local` for the OS user). Decisions and the
    audit trail record it as unverified (`verified` is False).
    """

    email: str | None = None
    email_verified: bool | None = None
    roles_path: Path | None = None
    signed_in: bool = False
    local_operator: bool = False
    name: str | None = None

    @classmethod
    def user(cls, email: str | None, *, email_verified: bool | None, roles_path: str | Path) -> Actor:
        """A signed-in user whose role comes from the roles file at `roles_path`."""
        return cls(email or None, email_verified, Path(roles_path), signed_in=True)

    @classmethod
    def open_mode(cls, name: str | None) -> Actor:
        """Open access (no sign-in configured): the local operator, under the name they typed."""
        return cls(local_operator=True, name=_typed_name(name))

    @classmethod
    def local(cls, name: str | None) -> Actor:
        """Whoever runs the CLI without ``--user``: the local operator, under their OS user name."""
        return cls.open_mode(name)

    @classmethod
    def named(cls, name: str, *, roles_path: str | Path) -> Actor:
        """A name given on the CLI (``--user``): its role comes from the roles file, looked up as
        the app looks up a signed-in email, and it is recorded as unverified."""
        return cls(roles_path=Path(roles_path), name=_typed_name(name))

    @property
    def label(self) -> str:
        """Who this is, for messages."""
        if self.name and not self.signed_in:
            return self.name
        if self.local_operator:
            return "the local operator"
        if not self.signed_in:
            return "nobody signed in"
        return self.email or "an account without email"

    @property
    def who(self) -> str:
        """Who this is, as decisions and the audit trail record it: email, typed name, or a role word."""
        if self.signed_in and self.email:
            return self.email
        if self.name:
            return self.name
        return "local operator" if self.local_operator else self.label

    @property
    def verified(self) -> bool:
        """True when the identity comes from the identity provider (a signed-in email it did not
        mark unverified); a typed name never is."""
        return self.signed_in and bool(self.email) and self.email_verified is not False

    @property
    def identified(self) -> bool:
        """Whether there is someone to record: a signed-in email or a typed name."""
        return bool((self.signed_in and self.email) or self.name)


def _typed_name(name: str | None) -> str | None:
    """A typed name as recorded: NFC, surrounding and repeated white space removed; None when blank."""
    if name is None:
        return None
    text = " ".join(unicodedata.normalize("NFC", str(name)).split())
    return text or None


def identity_key(actor: Actor) -> str | None:
    """What makes two actors the same person, for the rule that nobody signs off their own decision.

    `recorded_identity_key` of the actor's `Actor.who`; None when nobody is named.
    """
    if not actor.identified:
        return None
    return recorded_identity_key(actor.who, actor.verified)


def recorded_identity_key(who: str, verified: bool) -> str:
    """What makes a recorded ``who`` (an email when ``verified``, else a typed name) one person.

    An email compares as `email_key`; a typed name that reads as an email does too, so typing
    someone's address does not make you another person; any other name compares
    case-insensitively with its spacing ignored (refusing a look-alike is the safe side here).
    """
    as_email = email_key(who) if "@" in who else None
    if as_email is not None:
        return "email:" + as_email
    if verified:
        return "email:" + who
    return "name:" + "".join(unicodedata.normalize("NFC", who).casefold().split())


LOCAL_OPERATOR = Actor(local_operator=True)


def current_role(actor: Actor) -> Role:
    """The role `actor` has now: the roles file is read at this call (a malformed file raises `KairoError`).

    A name given on the CLI (`Actor.named`) is looked up in the roles file as an email is.
    """
    if actor.local_operator:
        return Role.ADMIN
    if actor.roles_path is None:
        return Role.VIEWER
    if actor.signed_in:
        return role_for(actor.email, load_roles(actor.roles_path), email_verified=actor.email_verified)
    if actor.name:
        return role_for(actor.name, load_roles(actor.roles_path))
    return Role.VIEWER


def _a(noun: str) -> str:
    """'a viewer', 'an editor'."""
    return f"{'an' if noun[:1] in 'aeiou' else 'a'} {noun}"


def authorize(actor: Actor, action: Action | str) -> Role:
    """`actor`'s current role, or `AccessDenied` when it is below `MIN_ROLE[action]`.

    Every store write calls this first, inside the store, with the role read fresh.
    """
    action = Action(action)
    role = current_role(actor)
    needed = MIN_ROLE[action]
    if role < needed:
        raise AccessDenied(
            f"{action.what} needs the {needed.label} role; {actor.label} is {_a(role.label)} now. "
            "Ask whoever keeps the roles file for the role, then try again.",
            action=action.value,
            needed=needed.label,
            role=role.label,
        )
    return role


__all__ = [
    "LOCAL_OPERATOR",
    "MIN_ROLE",
    "Action",
    "Actor",
    "Role",
    "ROLES_ENV",
    "RolesConfig",
    "authorize",
    "can",
    "current_role",
    "identity_key",
    "load_roles",
    "role_for",
    "roles_file_path",
    "roles_from_toml",
]
