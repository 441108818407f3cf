"""House rules of the library: no Streamlit, dependencies point one way, one public face."""

from __future__ import annotations

import ast
import subprocess
import sys

import kairo_scoring
from tests.conftest import REPO

PACKAGE = REPO / "kairo_scoring"
# schema ← intake ← scoring ← recommendations/exports/store ← cli/bench
LAYERS = {
    "errors": 0,
    "tomlsafe": 0,
    "access": 1,
    "schema": 0,
    "intake": 1,
    "profile": 2,
    "engine": 2,
    "text": 2,
    "scoring": 2,
    "synthetic": 2,
    "portfolio": 3,
    "report": 3,
    "exports": 3,
    "store": 3,
    "cli": 4,
    "bench": 4,
    "__init__": 4,
    "__main__": 4,
}


def test_importing_the_library_does_not_load_streamlit():
    code = "import sys, kairo_scoring, kairo_scoring.cli; assert 'streamlit' not in sys.modules, 'streamlit loaded'"
    completed = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert completed.returncode == 0, completed.stderr


def _layer(module_path: str) -> int:
    top = module_path.split(".")[1] if "." in module_path else module_path
    return LAYERS[top]


def _imports(path) -> list[str]:
    tree = ast.parse(path.read_text())
    found = []
    for node in ast.walk(tree):
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


def test_public_api_is_named_in_all():
    assert "score" in kairo_scoring.__all__
    for name in kairo_scoring.__all__:
        assert hasattr(kairo_scoring, name), name
