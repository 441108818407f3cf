"""Roles: who may do what, mapped from a signed-in user's email (pure library, no Streamlit)."""

from __future__ import annotations

import pytest

from kairo_scoring import (
    MIN_ROLE,
    Action,
    KairoError,
    Role,
    RolesConfig,
    can,
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
    assert Role.VIEWER < Role.EDITOR < Role.ADMIN
    assert [r.label for r in sorted(Role)] == ["viewer", "editor", "admin"]


@pytest.mark.parametrize(
    ("role", "view", "import_", "edit_profile"),
    [
        (Role.VIEWER, True, False, False),
        (Role.EDITOR, True, True, False),
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
        ("ann.admin@example.com", Role.ADMIN),  # exact email, case-insensitive, wins over its domain
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
