"""Who may do what: roles from a TOML file, mapped from a signed-in user's email.

Pure functions, no UI. The app asks `role_for(email, roles)` to decide which controls to
offer; the store decides whether a write happens: every `PortfolioStore` write takes an
`Actor` and calls `authorize(actor, action)`, which reads the roles file again at that
moment, so a role changed while a page is open applies to the next click. `MIN_ROLE` is
the one place that says who may take each action. The roles file maps exact emails and
email domains to a role, with a default for everyone else::

    default_role = "viewer"

    [emails]
    "ann@example.com" = "admin"

    [domains]
    "example.com" = "editor"

An exact email wins over its domain; an email the provider says is not verified gets the
default role, so nobody gains a role by claiming an address they do not own.

Identities are compared as the identity provider issues them, never by Unicode case
folding (which gives ``roß@`` the entry of ``ross@`` and ``straße.de`` that of
``strasse.de``): an address must already be in Unicode NFC (the Kelvin sign K is not the
letter K), only ASCII letters compare case-insensitively, and domains compare as IDNA 2008
A-labels without the transitional ß → ss mapping, so full-width, Cyrillic or Greek
look-alikes and dotless i are other domains. The roles file may name a domain either way
(``straße.de`` or ``xn--strae-oqa.de``).

Over 400 lines because roles, actors, the roles file and the one authorisation check are one
rule (who may write what): split apart, a new write could be added without its role.
"""

from __future__ import annotations

import os
import tomllib
import unicodedata
from dataclasses import dataclass, field
from enum import IntEnum, StrEnum
from pathlib import Path
from types import MappingProxyType
from typing import Any

import idna

from kairo_scoring import tomlsafe
from kairo_scoring.errors import AccessDenied, KairoError


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


@dataclass(frozen=True)
class RolesConfig:
    """Emails and email domains (lower case) mapped to roles, and the role of everyone else."""

    default_role: Role = Role.VIEWER
    emails: MappingProxyType[str, Role] = field(default_factory=lambda: MappingProxyType({}))
    domains: MappingProxyType[str, Role] = field(default_factory=lambda: MappingProxyType({}))


_ASCII_SPACE = " \t\r\n"
_ASCII_LOWER = str.maketrans("ABCDEFGHIJKLMNOPQRSTUVWXYZ", "abcdefghijklmnopqrstuvwxyz")
# Dots other than '.' that IDNA 2003 treated as label separators; IDNA 2008 leaves them out.
_OTHER_DOTS = ("\u3002", "\uff0e", "\uff61")


def domain_key(domain: str) -> str | None:
    """A domain as it is compared: its IDNA 2008 A-label ('Straße.de' → 'xn--strae-oqa.de').

    Only ASCII letters are lower-cased; no Unicode mapping is applied (UTS 46 would turn
    full-width letters into ASCII and, in its transitional form, ß into ss). None when
    `domain` is not a valid domain name as written.
    """
    lowered = domain.translate(_ASCII_LOWER)
    if not lowered or any(dot in lowered for dot in _OTHER_DOTS):
        return None
    if not unicodedata.is_normalized("NFC", lowered):
        return None
    try:
        return idna.encode(lowered, uts46=False, transitional=False).decode("ascii")
    except UnicodeError:  # idna.IDNAError and its kin
        return None


def email_key(address: str) -> str | None:
    """An email address as it is compared: the local part as issued, the domain as `domain_key`.

    ASCII letters compare case-insensitively (providers issue one mailbox whatever the case);
    nothing else is folded. None when `address` is not in the form a provider issues: no
    '@', not in Unicode NFC (a Kelvin sign is not the letter K), or a domain that is not valid.
    """
    local, at, domain = address.strip(_ASCII_SPACE).rpartition("@")
    if not at or not local or not unicodedata.is_normalized("NFC", local):
        return None
    canonical_domain = domain_key(domain)
    if canonical_domain is None:
        return None
    return f"{local.translate(_ASCII_LOWER)}@{canonical_domain}"


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
    table: dict[str, Role] = {}
    for key, value in raw.items():
        # The file is written by hand: NFC-normalise it, so a decomposed é still names é.
        name = unicodedata.normalize("NFC", str(key).strip(_ASCII_SPACE)).removeprefix("@")
        if not name:
            raise KairoError(f"Roles file: [{section}] has an empty name.")
        canonical = email_key(name) if section == "emails" else domain_key(name)
        if canonical is None:
            kind = "an email address" if section == "emails" else "a domain name"
            raise KairoError(
                f"Roles file: [{section}] {key!r} is not {kind} an identity provider issues; "
                "write it in plain letters, e.g. ann@example.com or example.com."
            )
        if canonical in table:
            raise KairoError(f"Roles file: [{section}] names {key!r} twice; keep one entry.")
        table[canonical] = parse_role(value, where=f"[{section}] {key!r}")
    return MappingProxyType(table)


def roles_from_toml(text: str) -> RolesConfig:
    """Parse a roles file's text; a malformed file raises `KairoError` (never a silent default)."""
    try:
        raw = tomlsafe.loads(text)
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
    An address that is not in the form a provider issues (not NFC, a domain that is not a
    valid IDNA 2008 name) matches no entry and gets the default role too.
    """
    if not email or email_verified is False:
        return roles.default_role
    address = email_key(str(email))
    if address is None:
        return roles.default_role
    if address in roles.emails:
        return roles.emails[address]
    domain = address.rpartition("@")[2]
    return roles.domains.get(domain, roles.default_role)


def can(role: Role, action: Action | str) -> bool:
    """Whether `role` may take `action`; an unknown action raises ValueError."""
    return Role(role) >= MIN_ROLE[Action(action)]


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


ROLES_ENV = "KAIRO_ROLES"
# <repo>/.streamlit/roles.toml: next to app.py.
DEFAULT_ROLES_PATH = Path(__file__).resolve().parents[1] / ".streamlit" / "roles.toml"


def roles_file_path() -> Path:
    """The roles file the app and the CLI read: ``$KAIRO_ROLES``, else `.streamlit/roles.toml`."""
    return Path(os.environ.get(ROLES_ENV) or DEFAULT_ROLES_PATH)


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
