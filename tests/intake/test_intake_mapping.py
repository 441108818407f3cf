"""Mapping profiles as TOML data, the public API's shape, and the register template."""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

import openpyxl
import pytest

from kairo_scoring import intake
from kairo_scoring.errors import ProfileError
from kairo_scoring.intake import (
    MappingProfile,
    list_mappings,
    load_mapping,
    mapping_from_toml,
    mapping_to_toml,
    read_portfolio,
    write_template,
)
from kairo_scoring.schema import CANONICAL_COLUMNS, ENUM_FIELDS, SCORE_FIELDS

CUSTOM = """
name = "acme-register"
version = 2
description = "ACME's quarterly register"

[columns]
name = ["Initiative"]
business_unit = ["Dept"]
practice_log = ["Audit log?"]
practice_approval = ["Approval step?"]

[values.score]
"gold" = 5

[[derived]]
field = "controls"
kind = "practice_score"
inputs = ["practice_log", "practice_approval"]
values = "credits"

[values.credits]
"partly" = 0.5
"""


def test_builtins_are_listed_canonical_first():
    assert list_mappings() == ("canonical", "us-federal-2025")


@pytest.mark.parametrize("name", ["canonical", "us-federal-2025"])
def test_builtin_round_trips_through_toml(name):
    profile = load_mapping(name)
    assert mapping_from_toml(mapping_to_toml(profile)) == profile


def test_custom_profile_with_a_derived_practice_score():
    profile = mapping_from_toml(CUSTOM)
    assert (profile.name, profile.version) == ("acme-register", 2)
    data = b"Initiative,Dept,Audit log?,Approval step?\nOrder bot,Ops,Yes,partly\nMail sorter,Ops,No,No\nX,Ops,,\n"
    result = read_portfolio(data, filename="acme.csv", mapping=profile)
    # (1 + 0.5)/2 → 1 + 4 × .75 = 4;  (0 + 0)/2 → 1;  nothing answered → unknown
    assert result.pilots["controls"].tolist()[:2] == [4.0, 1.0]
    assert result.pilots["controls"].isna().tolist() == [False, False, True]
    assert result.derived_fields == {"controls": "practice_score of 'Audit log?', 'Approval step?'"}
    assert mapping_from_toml(mapping_to_toml(profile)) == profile


def test_load_mapping_from_a_path(tmp_path):
    path = tmp_path / "acme.toml"
    path.write_text(CUSTOM, encoding="utf-8")
    assert load_mapping(path).name == "acme-register"
    assert load_mapping(str(path)) == load_mapping(path)


@pytest.mark.parametrize(
    ("text", "key"),
    [
        ("version = 1", "name"),
        ('name = "x"\n[columns]\nname = "Title"', "columns.name"),
        ('name = "x"\n[[derived]]\nfield = "colour"\nkind = "join"\ninputs = ["a"]', "derived[0].field"),
        ('name = "x"\n[[derived]]\nfield = "owner"\nkind = "guess"\ninputs = ["a"]', "derived[0].kind"),
        (
            'name = "x"\n[[derived]]\nfield = "owner"\nkind = "join"\ninputs = ["nowhere"]',
            "derived[0].inputs",
        ),
        (
            'name = "x"\n[values.p]\n"yes" = 2\n[columns]\na=["A"]\n[[derived]]\nfield="controls"\n'
            'kind="practice_score"\ninputs=["a"]\nvalues="p"',
            "values.p.yes",
        ),
        ('name = "x"\ndate_order = "ymd"', "date_order"),
        ("name = [", "<document>"),
    ],
)
def test_malformed_profiles_name_the_key(text, key):
    with pytest.raises(ProfileError) as raised:
        mapping_from_toml(text)
    assert raised.value.key == key


def test_unknown_builtin_name():
    with pytest.raises(ProfileError, match="no built-in mapping named 'nope'"):
        load_mapping("nope")


def test_template_has_dropdowns_a_field_guide_and_reads_back(tmp_path):
    path = write_template(tmp_path / "template.xlsx")
    workbook = openpyxl.load_workbook(path)
    assert workbook.sheetnames == ["Pilots", "Field guide"]
    register = workbook["Pilots"]
    assert [cell.value for cell in register[1]] == list(CANONICAL_COLUMNS)
    lists = {
        CANONICAL_COLUMNS[next(iter(rule.sqref.ranges)).min_col - 1]: rule.formula1
        for rule in register.data_validations.dataValidation
        if rule.type == "list"
    }
    assert set(lists) == set(ENUM_FIELDS) | set(SCORE_FIELDS)
    assert lists["stage"] == '"idea,pilot,production,retired"'
    assert lists["controls"] == '"1,2,3,4,5"'
    guide = workbook["Field guide"]
    assert guide["A2"].value == "pilot_id" and guide["C3"].value == "the pilot's name"
    register.append(["P-1", "Invoice triage", "Finance", "Kim", "pilot", "assisted_desktop", 3])
    workbook.save(path)
    result = read_portfolio(path)
    assert (result.sheet, result.mapping_name, len(result.pilots)) == ("Pilots", "canonical", 1)
    assert result.pilots.loc[0, "process_maturity"] == 3.0


def test_intake_does_not_load_streamlit():
    code = "import sys, kairo_scoring.intake as intake; assert 'streamlit' not in sys.modules; print(intake.__all__)"
    completed = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=False)
    assert completed.returncode == 0, completed.stderr
    assert "read_portfolio" in completed.stdout


def test_intake_imports_only_schema_errors_and_itself():
    # the layer-0 modules (schema, errors and the small shared helpers), intake itself and
    # the provenance model it records each value's source in
    allowed = (
        "kairo_scoring.provenance",
        "kairo_scoring.schema",
        "kairo_scoring.errors",
        "kairo_scoring.tomlsafe",
        "kairo_scoring.values",
        "kairo_scoring.intake",
    )
    package = Path(intake.__file__).parent
    for module in package.glob("*.py"):
        for node in ast.walk(ast.parse(module.read_text(encoding="utf-8"))):
            names = [node.module or ""] if isinstance(node, ast.ImportFrom) else []
            if names == ["kairo_scoring"]:  # `from kairo_scoring import tomlsafe`
                names = [f"kairo_scoring.{alias.name}" for alias in node.names]
            names += [alias.name for alias in node.names] if isinstance(node, ast.Import) else []
            for name in names:
                if name.startswith("kairo_scoring") or name.startswith("streamlit"):
                    assert name.startswith(allowed), f"{module.name} imports {name}"


def test_profile_is_a_frozen_dataclass():
    profile = load_mapping("canonical")
    assert isinstance(profile, MappingProfile)
    with pytest.raises(AttributeError):
        profile.name = "other"  # type: ignore[misc]
