"""Sign-in config: the roles file, which maps a signed-in user's email to a role.

The roles file maps exact emails and email domains to a role, with a default for everyone
else::

    default_role = "viewer"

    [emails]
    "ann@example.com" = "admin"

    [domains]
    "example.com" = "editor"

An exact email wins over its domain; an email the provider says is not verified gets the
default role, so nobody gains a role by claiming an address they do not own. The app and the
CLI read it at `roles_file_path()`.

Identities are compared as the identity provider issues them, never by Unicode case
folding (which gives ``roß@`` the entry of ``ross@`` and ``straße.de`` that of
``strasse.de``): an address must already be in Unicode NFC (the Kelvin sign K is not the
letter K), only ASCII letters compare case-insensitively, and domains compare as IDNA 2008
A-labels without the transitional ß → ss mapping, so full-width, Cyrillic or Greek
look-alikes and dotless i are other domains. The roles file may name a domain either way
(``straße.de`` or ``xn--strae-oqa.de``).
"""

from __future__ import annotations

import os
import tomllib
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path
from types import MappingProxyType
from typing import Any

import idna

from kairo_scoring import tomlsafe
from kairo_scoring.errors import KairoError
from kairo_scoring.roles import Role


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


ROLES_ENV = "KAIRO_ROLES"
# <repo>/.streamlit/roles.toml: next to app.py.
DEFAULT_ROLES_PATH = Path(__file__).resolve().parents[1] / ".streamlit" / "roles.toml"


def roles_file_path() -> Path:
    """The roles file the app and the CLI read: ``$KAIRO_ROLES``, else `.streamlit/roles.toml`."""
    return Path(os.environ.get(ROLES_ENV) or DEFAULT_ROLES_PATH)
