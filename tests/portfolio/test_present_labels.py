"""One label, one format (issue 9): every option, verdict and field has exactly one label,
spelled in one place; money, counts and percentages have one format each."""

from __future__ import annotations

import ast

import pytest

from kairo_scoring import (
    CHOICE_LABELS,
    COLUMN_LABELS,
    FIELDS,
    NOT_READY,
    OPTIONS,
    VERDICTS,
    ProfileError,
    count_phrase,
    default_profile,
    field_label,
    money,
    option_label,
    percent,
    profile_from_toml,
    value_label,
    verdict_label,
)
from tests.conftest import REPO

SOURCES = [
    p for folder in ("kairo_scoring", "app_pages", "ui") for p in sorted((REPO / folder).rglob("*.py"))
] + [REPO / "app.py"]


def _string_constants(path) -> list[str]:
    return [
        node.value
        for node in ast.walk(ast.parse(path.read_text()))
        if isinstance(node, ast.Constant) and isinstance(node.value, str)
    ]


def _labels() -> dict[str, str]:
    out = {f"option {o}": option_label(o) for o in (*OPTIONS, *CHOICE_LABELS)}
    out |= {f"verdict {v}": verdict_label(v) for v in VERDICTS}
    out |= {f"field {f.name}": field_label(f.name) for f in FIELDS}
    return out


def test_every_option_verdict_and_field_has_a_label_of_its_own():
    labels = _labels()
    for what, label in labels.items():
        assert label and "_" not in label, what
    # no two codes of a kind share a label: a reader could not tell them apart
    for kind in ("option", "verdict", "field"):
        names = [label for what, label in labels.items() if what.startswith(kind)]
        assert len(names) == len(set(names)), kind


def test_the_recommendation_keep_piloting_is_not_the_verdict_not_ready():
    assert option_label(NOT_READY) == "Keep piloting"
    assert verdict_label("not_ready") == "Not ready"
    assert option_label(NOT_READY) not in {verdict_label(v) for v in VERDICTS}


@pytest.mark.parametrize("what", sorted(_labels()))
def test_each_label_is_spelled_in_exactly_one_source_file(what):
    label = _labels()[what]
    files = [p.relative_to(REPO) for p in SOURCES if label in _string_constants(p)]
    # "Owner", "Name", "Users"… are also plain words in headings; options and verdicts never are
    if what.startswith(("option", "verdict")):
        assert len(files) == 1, (label, files)
    else:
        assert len(files) <= 1, (label, files)


def test_the_column_labels_never_respell_an_option_or_verdict():
    spelled = set(COLUMN_LABELS.values())
    for code in (*OPTIONS, *VERDICTS):
        assert option_label(code) not in spelled and verdict_label(code) not in spelled


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (1_234_567, "USD 1.23M"),
        (12_700_000, "USD 12.7M"),
        (1_270_000, "USD 1.27M"),
        (999, "USD 999"),
        (250_000, "USD 250k"),
        (None, "unknown"),
        (float("nan"), "unknown"),
    ],
)
def test_money_has_one_format_and_carries_the_currency(value, expected):
    assert money(value, "USD") == expected


def test_counts_take_the_right_plural():
    assert count_phrase(1, "pilot") == "1 pilot"
    assert count_phrase(2400, "pilot") == "2,400 pilots"
    assert count_phrase(0, "rejected row") == "0 rejected rows"
    assert percent(0.3) == "30%" and percent(None) == "unknown"


def test_unknown_reads_unknown():
    assert option_label(None) == verdict_label(None) == value_label("risk_level", None) == "unknown"
    assert value_label("risk_level", "high") == "High"
    assert value_label("current_mode", "none") == "Still a pilot"


def test_the_profile_carries_a_currency_that_does_not_change_its_hash():
    profile = default_profile()
    assert profile.currency == "USD"
    euro = profile_from_toml(profile.to_toml().replace('currency = "USD"', 'currency = "EUR"'))
    assert euro.currency == "EUR"
    assert euro.content_hash == profile.content_hash  # presentation only: never forces re-scoring
    with pytest.raises(ProfileError, match="ISO 4217"):
        profile_from_toml(profile.to_toml().replace('currency = "USD"', 'currency = "DOLLARS"'))
    old = profile.to_toml().replace('currency = "USD"\n', "")
    assert profile_from_toml(old).currency == "USD"  # profiles saved before the setting still load


def test_gates_read_as_words():
    gates = {(g.option, g.describe()): g.phrase() for g in default_profile().gates}
    assert gates[("shared_workspace", "shared_assets ≥ 3")] == "Shared assets at least 3"
    assert (
        gates[("api_pipeline", "controls ≥ 5 when risk ≥ high")]
        == "Controls at least 5 when risk is high or above"
    )


def test_the_readiness_change_line_counts_in_words():
    import pandas as pd

    from kairo_scoring import readiness_change_summary

    assert readiness_change_summary(pd.Series([4.0])) == (
        "1 pilot in both snapshots: median change +4.0 points, 1 up, 0 down."
    )
    assert readiness_change_summary(pd.Series([], dtype=float)) == ""
