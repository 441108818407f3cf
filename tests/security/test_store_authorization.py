"""Every store write checks the actor's role inside the store, read at the moment of the write."""

from __future__ import annotations

import ast
import inspect
import textwrap
from collections.abc import Callable
from pathlib import Path

import pytest

from kairo_scoring import LOCAL_OPERATOR, AccessDenied, Action, Actor, PortfolioStore
from kairo_scoring.store import StoreBackend
from tests.conftest import REPO
from tests.store.store_fixtures import make_answers, make_result

EMAIL = "ed@example.com"

# Each write, the action it needs, and how to call it as `actor`.
WRITES: dict[str, tuple[Action, Callable[[PortfolioStore, Actor], object]]] = {
    "import_snapshot": (
        Action.IMPORT,
        lambda store, actor: store.import_snapshot(
            make_result(content_hash="new"), portfolio="Acme", actor=actor
        ),
    ),
    "save_answers": (
        Action.SAVE_ANSWERS,
        lambda store, actor: store.save_answers(
            store.latest_snapshot_id("Answers"), make_answers(), source_name="answers", actor=actor
        ),
    ),
    "save_mapping": (
        Action.SAVE_MAPPING,
        lambda store, actor: store.save_mapping("finance", 'name = "Use case"\n', actor=actor),
    ),
    "save_profile": (
        Action.EDIT_PROFILE,
        lambda store, actor: store.save_profile("strict", 1, "[gates]\n", "h1", actor=actor),
    ),
    "delete_snapshot": (
        Action.DELETE_SNAPSHOT,
        lambda store, actor: store.delete_snapshot(store.latest_snapshot_id("Seed"), actor=actor),
    ),
}
# StoreBackend methods that change the store; every other one only reads.
BACKEND_WRITES = {
    "insert_snapshot",
    "delete_snapshot",
    "save_profile",
    "save_mapping",
    "propose_decisions",
    "sign_off",
}
# Store writes of decisions; each role against each of them: tests/decisions/test_audit_trail.py.
DECISION_WRITES = {"propose_decisions", "sign_off"}
BACKEND_READS = {
    "close",
    "schema_version",
    "snapshot_row",
    "list_snapshots",
    "list_portfolios",
    "latest_snapshot_id",
    "pilot_rows",
    "rejected_rows",
    "issue_rows",
    "provenance_rows",
    "list_profiles",
    "profile_text",
    "list_mappings",
    "mapping_text",
    "integrity_problems",
    "row_counts",
    "list_decisions",
    "list_audit",
}


@pytest.fixture
def store(tmp_path: Path):
    with PortfolioStore(tmp_path / "kairo.duckdb") as opened:
        opened.import_snapshot(make_result(content_hash="seed"), portfolio="Seed")
        opened.import_snapshot(make_result(content_hash="base"), portfolio="Answers")
        yield opened


def write_role(path: Path, role: str) -> None:
    path.write_text(f'[emails]\n"{EMAIL}" = "{role}"\n', encoding="utf-8")


@pytest.mark.parametrize("write", sorted(WRITES))
def test_every_write_is_refused_when_the_role_dropped_since_the_page_was_drawn(store, tmp_path, write):
    action, call = WRITES[write]
    roles = tmp_path / "roles.toml"
    write_role(roles, "admin")  # what the page saw when it drew the button
    actor = Actor.user(EMAIL, email_verified=True, roles_path=roles)
    write_role(roles, "viewer")  # changed before the click
    before = store.row_counts()
    with pytest.raises(AccessDenied) as refused:
        call(store, actor)
    assert refused.value.action == action.value
    assert refused.value.role == "viewer"
    assert store.row_counts() == before  # nothing written
    write_role(roles, "admin")  # promoted again: the same actor may write now
    call(store, actor)
    assert store.row_counts() != before


@pytest.mark.parametrize(
    ("write", "role"), [("import_snapshot", "editor"), ("save_mapping", "editor"), ("save_answers", "editor")]
)
def test_an_editor_imports_and_saves_mappings_but_no_more(store, tmp_path, write, role):
    roles = tmp_path / "roles.toml"
    write_role(roles, role)
    actor = Actor.user(EMAIL, email_verified=True, roles_path=roles)
    WRITES[write][1](store, actor)
    for admin_write in ("save_profile", "delete_snapshot"):
        with pytest.raises(AccessDenied, match="needs the admin role"):
            WRITES[admin_write][1](store, actor)


def test_the_local_operator_is_the_default_and_may_write(store):
    for write in sorted(WRITES):
        before = store.row_counts()
        WRITES[write][1](store, LOCAL_OPERATOR)
        assert store.row_counts() != before, write
    for name in WRITES:
        assert inspect.signature(getattr(PortfolioStore, name)).parameters["actor"].default is LOCAL_OPERATOR


def test_a_look_alike_identity_cannot_write(store, tmp_path):
    roles = tmp_path / "roles.toml"
    roles.write_text(
        '[emails]\n"ross@example.org" = "admin"\n[domains]\n"strasse.de" = "editor"\n', encoding="utf-8"
    )
    for email in ("roß@example.org", "x@straße.de", "ro\u017fs@example.org"):
        with pytest.raises(AccessDenied):
            WRITES["import_snapshot"][1](store, Actor.user(email, email_verified=True, roles_path=roles))


def test_every_backend_method_is_classed_as_a_read_or_a_write():
    methods = {
        name for name, _ in inspect.getmembers(StoreBackend, inspect.isfunction) if not name.startswith("_")
    }
    assert methods == BACKEND_WRITES | BACKEND_READS  # a new backend method: say which it is here


def test_every_store_method_that_writes_authorizes_first():
    """A method that calls a backend write calls `authorize(actor, …)` before it (new writes too),
    in `PortfolioStore` and every class of the store it is built from (snapshots.py, profiles.py …)."""
    families = [cls for cls in PortfolioStore.__mro__ if cls.__module__.startswith("kairo_scoring.store.")]
    assert families[0] is PortfolioStore
    methods = [
        node
        for cls in families
        for node in ast.parse(textwrap.dedent(inspect.getsource(cls))).body[0].body
        if isinstance(node, ast.FunctionDef)
    ]
    writers = {}
    for method in methods:
        calls = [n for n in ast.walk(method) if isinstance(n, ast.Call) and isinstance(n.func, ast.Attribute)]
        backend_writes = [
            c
            for c in calls
            if c.func.attr in BACKEND_WRITES
            and isinstance(c.func.value, ast.Attribute)
            and c.func.value.attr == "_backend"
        ]
        if backend_writes:
            first = method.body[1] if ast.get_docstring(method) else method.body[0]
            writers[method.name] = ast.unparse(first)
    assert set(writers) == set(WRITES) | DECISION_WRITES
    for name, first in writers.items():
        # `role = authorize(…)`: the role it was authorised with goes into the audit row.
        assert first.removeprefix("role = ").startswith("authorize(actor, Action."), (name, first)


# Library functions that write through a store method, passing on the actor they are given.
WRITE_WRAPPERS = {"store_profile_version": "save_profile", "save_returns": "save_answers"}


def _write_calls(path: Path) -> list[tuple[int, str, bool]]:
    """Every store write in a file: `store.<write>(…)` or a library wrapper of one, and whether actor= is passed."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    calls = []
    for node in ast.walk(tree):
        if not isinstance(node, ast.Call):
            continue
        if isinstance(node.func, ast.Attribute) and node.func.attr in WRITES:
            name = node.func.attr
        elif isinstance(node.func, ast.Name) and node.func.id in WRITE_WRAPPERS:
            name = WRITE_WRAPPERS[node.func.id]
        else:
            continue
        calls.append((node.lineno, name, any(k.arg == "actor" for k in node.keywords)))
    return calls


def test_the_app_passes_the_signed_in_actor_to_every_store_write():
    """The actor's default is the local operator: a page must never rely on it."""
    found = []
    for path in sorted([*(REPO / "app_pages").glob("*.py"), *(REPO / "ui").glob("*.py"), REPO / "app.py"]):
        for line, name, has_actor in _write_calls(path):
            found.append(name)
            assert has_actor, f"{path.relative_to(REPO)}:{line} calls {name} without actor="
    assert {"import_snapshot", "save_mapping", "save_profile", "save_answers"} <= set(found)
