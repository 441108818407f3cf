"""Who may write what, in three modules: roles and actions (roles.py), the sign-in config
(sign_in.py) and the actor and the one check (access.py); each under the 400-line house rule,
and every name still importable from `kairo_scoring.access`."""

from __future__ import annotations

import importlib

import pytest

from tests.conftest import REPO

MODULES = ("roles", "sign_in", "access")
MOVED = {
    "Role": "roles",
    "Action": "roles",
    "MIN_ROLE": "roles",
    "ACTION_TEXT": "roles",
    "can": "roles",
    "RolesConfig": "sign_in",
    "domain_key": "sign_in",
    "email_key": "sign_in",
    "parse_role": "sign_in",
    "roles_from_toml": "sign_in",
    "load_roles": "sign_in",
    "role_for": "sign_in",
    "ROLES_ENV": "sign_in",
    "DEFAULT_ROLES_PATH": "sign_in",
    "roles_file_path": "sign_in",
}


@pytest.mark.parametrize("name", MODULES)
def test_every_module_of_access_is_under_400_lines(name: str) -> None:
    path = REPO / "kairo_scoring" / f"{name}.py"
    assert len(path.read_text().splitlines()) <= 400, f"{path.name}: split it"


@pytest.mark.parametrize(("name", "part"), sorted(MOVED.items()))
def test_a_moved_name_is_the_same_object_from_access(name: str, part: str) -> None:
    access = importlib.import_module("kairo_scoring.access")
    assert getattr(access, name) is getattr(importlib.import_module(f"kairo_scoring.{part}"), name)


def test_the_default_roles_file_is_still_next_to_the_app() -> None:
    sign_in = importlib.import_module("kairo_scoring.sign_in")
    assert sign_in.DEFAULT_ROLES_PATH == REPO / ".streamlit" / "roles.toml"


def test_every_action_has_a_least_role_and_a_sentence() -> None:
    roles = importlib.import_module("kairo_scoring.roles")
    assert set(roles.MIN_ROLE) == set(roles.Action) == set(roles.ACTION_TEXT)
