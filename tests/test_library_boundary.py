"""House rules of the library: no Streamlit, dependencies point one way, one public face."""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

import pytest

import kairo_scoring
from tests.conftest import REPO

PACKAGE = REPO / "kairo_scoring"
# schema ← intake/store ← scoring ← views ← present (STYLE.md, docs/architecture.md).
# Every top-level module and subpackage of kairo_scoring needs a layer here: a new one
# without a layer fails test_every_part_of_the_library_has_a_layer.
LAYERS = {
    # 0: the canonical schema, errors and value helpers every layer shares
    "values": 0,
    "errors": 0,
    "tomlsafe": 0,
    "schema": 0,
    # 1: compute and keep, below the model: reading registers, the store, who may write
    "access": 1,
    "roles": 1,  # Role, Action, MIN_ROLE (access re-exports them)
    "sign_in": 1,  # the roles file and how identities compare (access re-exports them)
    "provenance": 1,
    "intake": 1,
    "store": 1,
    # 2: the decision model
    "profile": 2,
    "engine": 2,
    # the model's parts (engine and scoring re-export them)
    "inputs": 2,
    "readiness": 2,
    "gates": 2,
    "demand": 2,
    "fit": 2,
    "recommendation": 2,
    "promotion": 2,
    "scored": 2,
    "text": 2,
    "scoring": 2,
    "decisions": 2,  # decision states against the scoring (the rules of a write are in store)
    "questions": 2,
    "synthetic": 2,
    # 3: what the pages show, as data
    "views": 3,
    # 4: what a person sees: labels, formats, palette, explanations, figures, the summary,
    # exports. Nothing below this layer imports present (test_dependencies_point_one_way).
    "present": 4,
    "exports": 4,
    "deck": 4,  # the boardroom deck: views, present (labels, one-pager) and exports' formula guard
    "assessment": 4,  # workbooks out and answers back: needs questions, store, present, exports
    # 5: entry points and the public face
    "cli": 5,
    "bench": 5,
    "__init__": 5,
    "__main__": 5,
}
# Where the pages and the UI live: they import the library only through its root.
UI_CODE = [REPO / "app.py", *sorted((REPO / "app_pages").rglob("*.py")), *sorted((REPO / "ui").rglob("*.py"))]
# Code that may use an exported name (the library itself, the app, the CLI, tests, benches).
USERS = [
    p
    for folder in ("kairo_scoring", "app_pages", "ui", "tests", "bench")
    for p in sorted((REPO / folder).rglob("*.py"))
    if p.resolve() != Path(__file__).resolve()
] + [REPO / "app.py"]


def test_importing_the_library_does_not_load_streamlit():
    code = "import sys, kairo_scoring, kairo_scoring.cli; assert 'streamlit' not in sys.modules, 'streamlit loaded'"
    completed = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert completed.returncode == 0, completed.stderr


def _top(module_path: str) -> str:
    return module_path.split(".")[1] if "." in module_path else module_path


def _layer(module_path: str) -> int:
    return LAYERS[_top(module_path)]


def _library_modules() -> list[str]:
    return [".".join(p.relative_to(REPO).with_suffix("").parts) for p in sorted(PACKAGE.rglob("*.py"))]


def _imports(path) -> list[str]:
    tree = ast.parse(path.read_text())
    found = []
    for node in ast.walk(tree):  # every import, also those inside functions or TYPE_CHECKING blocks
        if isinstance(node, ast.ImportFrom) and node.module == "kairo_scoring":
            found += [f"kairo_scoring.{a.name}" for a in node.names]  # `from kairo_scoring import engine`
        elif isinstance(node, ast.ImportFrom) and node.module and node.module.startswith("kairo_scoring"):
            found.append(node.module)
        elif isinstance(node, ast.Import):
            found += [a.name for a in node.names if a.name.startswith("kairo_scoring")]
        if isinstance(node, ast.Import | ast.ImportFrom):
            names = [getattr(node, "module", None) or ""] + [a.name for a in node.names]
            assert not any(n.split(".")[0] == "streamlit" for n in names), f"{path} imports streamlit"
    return found


def test_every_part_of_the_library_has_a_layer():
    tops = {_top(m) for m in _library_modules()}
    assert {"views", "present", "store", "intake", "values"} <= tops
    assert not tops - set(LAYERS), f"give these a layer in LAYERS: {sorted(tops - set(LAYERS))}"


def test_dependencies_point_one_way():
    violations = []
    for path in PACKAGE.rglob("*.py"):
        module = ".".join(path.relative_to(REPO).with_suffix("").parts)
        own = _layer(module)
        for imported in _imports(path):
            if imported == "kairo_scoring":
                if module != "kairo_scoring.__init__":
                    violations.append(f"{module} imports the package root")
                continue
            if _layer(imported) > own:
                violations.append(f"{module} (layer {own}) imports {imported} (layer {_layer(imported)})")
    assert not violations, violations


def test_the_layer_check_sees_an_upward_import_inside_a_function(tmp_path):
    sneaky = tmp_path / "sneaky.py"
    sneaky.write_text("def later():\n    from kairo_scoring.views import headline\n    return headline\n")
    assert _imports(sneaky) == ["kairo_scoring.views"]
    assert _layer("kairo_scoring.views.headline") > _layer("kairo_scoring.store.startup")


def test_public_api_is_named_in_all():
    assert "score" in kairo_scoring.__all__
    for name in kairo_scoring.__all__:
        assert hasattr(kairo_scoring, name), name


def test_the_public_face_is_built_from_each_part_s_own_all():
    parts = kairo_scoring.PARTS
    # Entry points (layer 5: the CLI) use the face; they are not parts of it.
    subpackages = {p.parent.name for p in PACKAGE.glob("*/__init__.py") if LAYERS.get(p.parent.name) != 5}
    assert subpackages <= {part.__name__.split(".")[1] for part in parts}, (
        "a subpackage is missing from PARTS"
    )
    expected = [name for part in parts for name in part.__all__]
    assert kairo_scoring.__all__ == expected
    assert len(expected) == len(set(expected)), "a name is exported by two parts"
    for part in parts:
        for name in part.__all__:
            assert hasattr(part, name), f"{part.__name__}.__all__ names {name}, which it does not have"
            assert getattr(kairo_scoring, name) is getattr(part, name), name


def _defining_file(name: str) -> Path:
    """The library file that defines `name` at top level (def, class or assignment)."""
    for path in sorted(PACKAGE.rglob("*.py")):
        if path.name == "__init__.py":
            continue
        for node in ast.parse(path.read_text()).body:
            if isinstance(node, ast.FunctionDef | ast.ClassDef) and node.name == name:
                return path
            targets = node.targets if isinstance(node, ast.Assign) else [getattr(node, "target", None)]
            if any(isinstance(t, ast.Name) and t.id == name for t in targets):
                return path
    raise AssertionError(f"{name} is exported but no library module defines it")


def _names_taken_from_the_library(path: Path) -> set[str]:
    """Names `path` imports from kairo_scoring (any module of it) or reads as `module.name`."""
    used = set()
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.ImportFrom) and (node.module or "").split(".")[0] == "kairo_scoring":
            used.update(a.name for a in node.names)
        elif isinstance(node, ast.Attribute):
            used.add(node.attr)
    return used


def test_every_exported_name_is_used_outside_its_own_module():
    # The library's own __init__ files only re-export: they do not count as a use.
    used_in = {
        path: _names_taken_from_the_library(path)
        for path in USERS
        if not (path.name == "__init__.py" and PACKAGE in path.parents)
    }
    unused = []
    for name in kairo_scoring.__all__:
        home = _defining_file(name)
        if not any(name in names for path, names in used_in.items() if path != home):
            unused.append(f"{name} ({home.relative_to(REPO)})")
    assert not unused, f"exported but used nowhere outside their own module; stop exporting them: {unused}"


# Small helpers that exist once, in kairo_scoring/values.py (STYLE.md, "One name for one thing").
SHARED_HELPERS = {
    "_plain",
    "_blank",
    "_filled",
    "_is_missing",
    "_missing",
    "plain",
    "is_blank",
    "is_missing",
    "column_letter",
    "spreadsheet_letters",
}


def _helper_copies(path: Path) -> list[str]:
    """Hand-written copies of a shared helper in `path`: a function of the same name, a NaN
    check written as `x != x` or `isinstance(x, float) and math.isnan(x)`, or column letters
    built with chr()."""
    found = []
    shown = path.relative_to(REPO) if REPO in path.parents else path.name
    for node in ast.walk(ast.parse(path.read_text())):
        where = f"{shown}:{getattr(node, 'lineno', '?')}"
        if isinstance(node, ast.FunctionDef) and node.name in SHARED_HELPERS:
            found.append(f"{where} defines {node.name}()")
        elif (
            isinstance(node, ast.Compare)
            and [type(op) for op in node.ops] == [ast.NotEq]
            and ast.dump(node.left) == ast.dump(node.comparators[0])
        ):
            found.append(f"{where} checks NaN as x != x")
        elif isinstance(node, ast.BoolOp) and isinstance(node.op, ast.And):
            calls = [v for v in node.values if isinstance(v, ast.Call)]
            names = {ast.unparse(c.func) for c in calls}
            if {"isinstance", "math.isnan"} <= names:
                found.append(f"{where} checks NaN as isinstance(x, float) and math.isnan(x)")
        elif (
            isinstance(node, ast.Call)
            and isinstance(node.func, ast.Name)
            and node.func.id == "chr"
            and node.args
            and isinstance(node.args[0], ast.BinOp)
        ):
            found.append(f"{where} builds column letters with chr()")
    return found


def test_small_helpers_exist_once_in_values():
    copies = [
        c for path in sorted(PACKAGE.rglob("*.py")) if path.name != "values.py" for c in _helper_copies(path)
    ]
    assert not copies, f"use kairo_scoring.values instead: {copies}"


def test_the_helper_check_finds_a_copy(tmp_path):
    copy = tmp_path / "copy.py"
    copy.write_text(
        "import math\n"
        "def _blank(v):\n    return v != v\n"
        "def letters(i):\n    return chr(65 + i)\n"
        "def nan(v):\n    return isinstance(v, float) and math.isnan(v)\n"
    )
    assert len(_helper_copies(copy)) == 4


@pytest.mark.parametrize("path", UI_CODE, ids=lambda p: str(p.relative_to(REPO)))
def test_pages_and_ui_import_the_library_only_from_its_root(path):
    exported = set(kairo_scoring.__all__)
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.Import):
            inner = [a.name for a in node.names if a.name.startswith("kairo_scoring.")]
            assert not inner, f"{path.name} imports {inner}: import from kairo_scoring instead"
        elif (
            isinstance(node, ast.ImportFrom) and node.module and node.module.split(".")[0] == "kairo_scoring"
        ):
            assert node.module == "kairo_scoring", (
                f"{path.name} imports from {node.module}: use kairo_scoring"
            )
            missing = [a.name for a in node.names if a.name not in exported]
            assert not missing, f"{path.name} imports {missing}, which kairo_scoring does not export"
