"""Roles: who may do what, mapped from a signed-in user's email (pure library, no Streamlit)."""

from __future__ import annotations

import pytest

from kairo_scoring import (
    LOCAL_OPERATOR,
    MIN_ROLE,
    AccessDenied,
    Action,
    Actor,
    KairoError,
    Role,
    RolesConfig,
    authorize,
    can,
    current_role,
    load_roles,
    role_for,
    roles_from_toml,
)
from tests.conftest import REPO

ROLES = roles_from_toml(
    """
default_role = "viewer"

[emails]
"Ann.Admin@Example.com" = "admin"
"eve@partner.org" = "editor"

[domains]
"example.com" = "editor"
"@ops.example.com" = "admin"
"""
)


def test_roles_are_ordered():
    assert Role.VIEWER < Role.EDITOR < Role.APPROVER < Role.ADMIN
    assert [r.label for r in sorted(Role)] == ["viewer", "editor", "approver", "admin"]


@pytest.mark.parametrize(
    ("role", "view", "import_", "edit_profile"),
    [
        (Role.VIEWER, True, False, False),
        (Role.EDITOR, True, True, False),
        (Role.APPROVER, True, True, False),
        (Role.ADMIN, True, True, True),
    ],
)
def test_viewers_see_editors_import_admins_change_profiles(role, view, import_, edit_profile):
    assert can(role, Action.VIEW) is view
    assert can(role, Action.IMPORT) is import_
    assert can(role, Action.EDIT_PROFILE) is edit_profile
    assert can(role, "import") is import_  # the action's plain name works too


def test_an_unknown_action_is_refused_loudly():
    with pytest.raises(ValueError):
        can(Role.ADMIN, "delete_everything")
    assert set(MIN_ROLE) == set(Action)


@pytest.mark.parametrize(
    ("email", "expected"),
    [
        ("ann.admin@example.com", Role.ADMIN),  # exact email, ASCII case-insensitive, wins over its domain
        ("  ANN.ADMIN@EXAMPLE.COM ", Role.ADMIN),
        ("bob@example.com", Role.EDITOR),  # by domain
        ("eve@partner.org", Role.EDITOR),
        ("carl@ops.example.com", Role.ADMIN),  # a leading @ in the file is tolerated
        ("dan@sub.example.com", Role.VIEWER),  # a subdomain is another domain
        ("mallory@example.com.evil.org", Role.VIEWER),  # a suffix trick is not the domain
        ("example.com", Role.VIEWER),  # no @: not an address of the domain
        ("", Role.VIEWER),
        (None, Role.VIEWER),
    ],
)
def test_role_for_maps_emails_then_domains_then_the_default(email, expected):
    assert role_for(email, ROLES) is expected


def test_an_unverified_email_gets_only_the_default_role():
    assert role_for("ann.admin@example.com", ROLES, email_verified=False) is Role.VIEWER
    assert role_for("ann.admin@example.com", ROLES, email_verified=True) is Role.ADMIN
    assert role_for("ann.admin@example.com", ROLES, email_verified=None) is Role.ADMIN


def test_the_default_role_comes_from_the_file():
    config = roles_from_toml('default_role = "editor"')
    assert role_for("anyone@anywhere.org", config) is Role.EDITOR


def test_a_missing_roles_file_makes_everyone_a_viewer(tmp_path):
    config = load_roles(tmp_path / "absent.toml")
    assert config == RolesConfig()
    assert role_for("ann.admin@example.com", config) is Role.VIEWER


def test_load_roles_reads_a_file(tmp_path):
    path = tmp_path / "roles.toml"
    path.write_text('[emails]\n"a@b.org" = "ADMIN"\n', encoding="utf-8")
    assert role_for("a@b.org", load_roles(path)) is Role.ADMIN


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ('default_role = "owner"', "default_role"),
        ('[emails]\n"a@b.org" = "superuser"', "superuser"),
        ('[domains]\n"" = "admin"', "empty name"),
        ('emails = "a@b.org"', "[emails] must be a table"),
        ('[users]\n"a@b.org" = "admin"', "unknown key"),
        ("default_role = ", "not valid TOML"),
    ],
)
def test_a_malformed_roles_file_is_an_error_not_a_silent_default(text, message):
    with pytest.raises(KairoError, match=message.replace("[", r"\[").replace("]", r"\]")):
        roles_from_toml(text)


def test_the_shipped_roles_file_gives_nobody_more_than_viewer():
    config = load_roles(REPO / ".streamlit" / "roles.toml")
    assert config.default_role is Role.VIEWER
    assert dict(config.emails) == {}
    assert dict(config.domains) == {}


# --- identities compared as the provider issues them, never by Unicode case folding ------

LOOK_ALIKES = roles_from_toml(
    """
[emails]
"ross@example.org" = "admin"
"kate@example.org" = "admin"
"bill@example.org" = "admin"
"rosé@example.org" = "admin"

[domains]
"strasse.de" = "editor"
"example.com" = "editor"
"straße.at" = "admin"
"""
)


@pytest.mark.parametrize(
    "email",
    [
        "roß@example.org",  # ß is not ss (casefold says it is)
        "ROẞ@example.org",  # capital sharp s
        "ro\u017fs@example.org",  # long s ſ
        "\u212aate@example.org",  # Kelvin sign K (NFC makes it the letter K)
        "ｒｏｓｓ@example.org",  # full-width letters
        "r\u043ess@example.org",  # Cyrillic о
        "r\u03bfss@example.org",  # Greek ο
        "b\u0131ll@example.org",  # dotless ı
        "ross＠example.org",  # full-width at sign
        "rose\u0301@example.org",  # é decomposed: not how a provider issues it
        "ross@example.org\u00a0",  # a trailing no-break space is not stripped away
        "x@straße.de",  # another domain than strasse.de
        "x@xn--strae-oqa.de",  # ... also written as its A-label
        "x@ｅｘａｍｐｌｅ.com",  # full-width domain (UTS 46 would map it to example.com)
        "x@ex\u0430mple.com",  # Cyrillic а in the domain
        "x@\u03b5xample.com",  # Greek ε
        "x@examp\u0131e.com",  # dotless ı
        "x@example\u3002com",  # ideographic full stop
        "x@strasse.d\u212a",  # Kelvin sign in the domain
    ],
)
def test_unicode_look_alikes_get_only_the_default_role(email):
    assert role_for(email, LOOK_ALIKES) is Role.VIEWER


@pytest.mark.parametrize(
    ("email", "expected"),
    [
        ("ross@example.org", Role.ADMIN),
        ("Ross@Example.ORG", Role.ADMIN),  # ASCII letters only compare case-insensitively
        ("rosé@example.org", Role.ADMIN),  # NFC, as issued
        ("x@STRASSE.DE", Role.EDITOR),
        ("x@straße.at", Role.ADMIN),  # an IDN domain as a U-label ...
        ("x@xn--strae-oqa.at", Role.ADMIN),  # ... and as its A-label
        ("x@strasse.at", Role.VIEWER),  # straße.at is not strasse.at
    ],
)
def test_identities_match_as_the_provider_issues_them(email, expected):
    assert role_for(email, LOOK_ALIKES) is expected


def test_the_roles_file_is_normalised_once_as_written_by_hand():
    # a decomposed é typed in the file still names the NFC address a provider issues
    config = roles_from_toml(
        '[emails]\n"rose\u0301@example.org" = "admin"\n[domains]\n"XN--STRAE-OQA.DE" = "editor"\n'
    )
    assert role_for("rosé@example.org", config) is Role.ADMIN
    assert role_for("x@straße.de", config) is Role.EDITOR


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ('[domains]\n"ｅｘａｍｐｌｅ.com" = "admin"', "is not a domain name"),
        ('[domains]\n"example\u3002com" = "admin"', "is not a domain name"),
        ('[emails]\n"ann" = "admin"', "is not an email address"),
        ('[emails]\n"ann@ex ample.com" = "admin"', "is not an email address"),
        ('[domains]\n"straße.de" = "admin"\n"xn--strae-oqa.de" = "viewer"', "twice"),
        ('[emails]\n"Ann@example.com" = "admin"\n"ann@EXAMPLE.com" = "viewer"', "twice"),
    ],
)
def test_a_roles_entry_no_provider_would_issue_is_an_error(text, message):
    with pytest.raises(KairoError, match=message):
        roles_from_toml(text)


# --- the role is read at the moment of the write -----------------------------------------


def write_roles(path, role: str) -> None:
    path.write_text(f'[emails]\n"ed@example.com" = "{role}"\n', encoding="utf-8")


def test_authorize_reads_the_roles_file_at_every_call(tmp_path):
    path = tmp_path / "roles.toml"
    write_roles(path, "editor")
    actor = Actor.user("ed@example.com", email_verified=True, roles_path=path)
    assert authorize(actor, Action.IMPORT) is Role.EDITOR
    write_roles(path, "viewer")  # demoted while the page is open
    with pytest.raises(
        AccessDenied, match="needs the editor role; ed@example.com is a viewer now"
    ) as refused:
        authorize(actor, Action.IMPORT)
    assert (refused.value.action, refused.value.needed, refused.value.role) == ("import", "editor", "viewer")
    assert isinstance(refused.value, KairoError)
    path.unlink()  # the file removed: everyone is a viewer
    with pytest.raises(AccessDenied):
        authorize(actor, Action.IMPORT)
    path.write_text('default_role = "superuser"\n', encoding="utf-8")  # broken: fail closed
    with pytest.raises(KairoError, match="superuser"):
        authorize(actor, Action.IMPORT)


def test_an_unverified_or_signed_out_actor_cannot_write(tmp_path):
    path = tmp_path / "roles.toml"
    path.write_text('default_role = "editor"\n[emails]\n"ed@example.com" = "admin"\n', encoding="utf-8")
    unverified = Actor.user("ed@example.com", email_verified=False, roles_path=path)
    assert current_role(unverified) is Role.EDITOR  # the default role, not the email's
    with pytest.raises(AccessDenied, match="needs the admin role"):
        authorize(unverified, Action.EDIT_PROFILE)
    assert current_role(Actor()) is Role.VIEWER  # nobody signed in, whatever the default role
    with pytest.raises(AccessDenied, match="nobody signed in"):
        authorize(Actor(), Action.IMPORT)


def test_the_local_operator_may_take_every_action():
    assert all(authorize(LOCAL_OPERATOR, action) is Role.ADMIN for action in Action)


def test_every_action_says_what_it_is_and_who_may_take_it():
    assert set(MIN_ROLE) == set(Action)
    assert all(action.what for action in Action)
    assert MIN_ROLE[Action.SAVE_MAPPING] is Role.EDITOR
