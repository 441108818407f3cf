"""The rubric in the scoring profile: the default is readiness-model.md's, validation is strict,
it round-trips with the profile but stays out of its hash, and dropdown entries read back."""

from __future__ import annotations

import copy
import re
from importlib import resources
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from kairo_scoring import value_label
from kairo_scoring.errors import ProfileError
from kairo_scoring.profile import (
    DISPLAY_SEPARATOR,
    MAX_RUBRIC_TEXT,
    RUBRIC_FIELDS,
    Rubric,
    RubricEntry,
    default_profile,
    default_rubric,
    profile_from_dict,
    profile_from_toml,
)
from kairo_scoring.schema import CURRENT_MODES, FIELD_BY_NAME, OPTION_LABELS, RISK_LEVELS, SCORE_FIELDS

PRODUCT = Path("/work/shared/product")
DEFAULT_TOML = resources.files("kairo_scoring").joinpath("default_profile.toml").read_text("utf-8")
CHOICE_FIELDS = tuple(f for f in RUBRIC_FIELDS if FIELD_BY_NAME[f].kind in ("score", "enum"))
NUMBER_FIELDS = tuple(f for f in RUBRIC_FIELDS if f not in CHOICE_FIELDS)


def product_text(name: str) -> str:
    path = PRODUCT / name
    if not path.is_file():
        pytest.skip(f"{path} is not here (the shared product folder is outside this checkout)")
    return path.read_text("utf-8")


def rubric_section() -> str:
    text = product_text("readiness-model.md")
    return text.split("## Rubric", 1)[1].split("\n## ", 1)[0]


def table_rows(text: str) -> list[list[str]]:
    """The body rows of the first markdown table in ``text``, cells stripped of ** and `."""
    lines = [line for line in text.splitlines() if line.startswith("|")]
    return [[c.strip().strip("*`") for c in line.strip("|").split("|")] for line in lines[2:]]


def without_rubric(toml_text: str) -> str:
    """The TOML text up to its [rubric.*] tables (the rubric is the document's last part)."""
    head, rubric = toml_text.split("\n[rubric.", 1)
    assert "\n[" not in rubric.replace("\n[rubric.", "")  # nothing else follows the rubric
    return head


def rubric_data() -> dict:
    return copy.deepcopy(default_profile().to_dict())


def refused(data: dict) -> ProfileError:
    with pytest.raises(ProfileError) as caught:
        profile_from_dict(data)
    return caught.value


# --- the default is the readiness model's ------------------------------------------------


def test_the_default_levels_are_the_readiness_models_table():
    rows = table_rows(rubric_section())
    expected = {row[0]: {level: text for level, text in enumerate(row[1:6], start=1)} for row in rows}
    assert sorted(expected) == sorted(SCORE_FIELDS)  # every 1-5 field has a row, and only those
    rubric = default_profile().rubric
    assert {f: dict(rubric.choices_for(f)) for f in SCORE_FIELDS} == expected


def test_the_default_risk_levels_and_current_modes_are_the_readiness_models_sentences():
    section = " ".join(rubric_section().split())
    risk = section.split("`risk_level`:", 1)[1].split("`current_mode`:", 1)[0]
    risk_sentences = dict(re.findall(r"(\w+) \(([^)]*)\)", risk))
    rubric = default_profile().rubric
    assert list(risk_sentences) == list(RISK_LEVELS)
    assert dict(rubric.choices_for("risk_level")) == risk_sentences
    # current_mode: 'none' is described in the model; the three options "as in the seed's
    # three options", whose one-line descriptions are the brief's table.
    modes = section.split("`current_mode`:", 1)[1]
    assert dict(re.findall(r"(\w+) \(([^)]*)\)", modes)) == {"none": "not run in any of the three yet"}
    brief = product_text("brief.md")
    by_label = {row[1]: row[2] for row in table_rows(brief.split("three target architectures", 1)[1])}
    options = {code: by_label[label] for code, label in OPTION_LABELS.items()}
    assert dict(rubric.choices_for("current_mode")) == {"none": "not run in any of the three yet", **options}


def test_every_field_has_a_question_and_number_fields_have_a_unit():
    rubric = default_rubric()
    assert rubric.fields == RUBRIC_FIELDS
    assert all(rubric.question(f).endswith("?") for f in RUBRIC_FIELDS)
    assert rubric.question("process_maturity") == "How repeatable is the process today?"
    assert [f for f in RUBRIC_FIELDS if rubric.unit(f)] == list(NUMBER_FIELDS)
    assert NUMBER_FIELDS == ("monthly_volume", "users", "monthly_value")
    assert rubric.unit("monthly_volume") == "cases or transactions a month"
    assert rubric.choices_for("users") == []
    assert "stage" not in rubric.fields  # bookkeeping, not an answer


def test_choices_are_offered_in_the_schemas_order_whatever_the_tomls():
    data = rubric_data()
    data["rubric"]["risk_level"]["choices"] = dict(reversed(data["rubric"]["risk_level"]["choices"].items()))
    data["rubric"]["controls"]["levels"] = dict(reversed(data["rubric"]["controls"]["levels"].items()))
    rubric = profile_from_dict(data).rubric
    assert [v for v, _ in rubric.choices_for("risk_level")] == list(RISK_LEVELS)
    assert [v for v, _ in rubric.choices_for("current_mode")] == list(CURRENT_MODES)
    assert [v for v, _ in rubric.choices_for("controls")] == [1, 2, 3, 4, 5]


# --- strict validation --------------------------------------------------------------------


def test_a_missing_level_is_refused_by_name():
    data = rubric_data()
    del data["rubric"]["process_maturity"]["levels"]["4"]
    error = refused(data)
    assert error.key == "rubric.process_maturity.levels.4"
    assert "is missing" in error.problem


@pytest.mark.parametrize("extra", ["6", "0", "3.5", "three", 6])
def test_an_extra_level_is_refused_by_name(extra):
    data = rubric_data()
    data["rubric"]["ownership"]["levels"][extra] = "beyond the scale"
    error = refused(data)
    assert error.key == f"rubric.ownership.levels.{extra}"
    assert "is not a level of a 1-5 field" in error.problem and "1, 2, 3, 4, 5" in error.problem


def test_levels_given_as_whole_numbers_in_code_are_read_as_the_same_levels():
    data = rubric_data()
    data["rubric"]["ownership"]["levels"] = {
        int(k): v for k, v in data["rubric"]["ownership"]["levels"].items()
    }
    assert profile_from_dict(data) == default_profile()


def test_a_level_given_twice_with_the_same_description_is_refused():
    data = rubric_data()
    data["rubric"]["controls"]["levels"]["2"] = "No approvals  or logs"
    error = refused(data)
    assert error.key == "rubric.controls.levels.2"
    assert "same description as 1" in error.problem


@pytest.mark.parametrize(
    ("field", "bad", "hint"),
    [
        ("proces_maturity", {}, "did you mean 'process_maturity'?"),
        ("stage", {}, "fields: process_maturity"),
        ("pilot_id", {}, ""),
    ],
)
def test_an_unknown_field_is_refused_with_a_close_match(field, bad, hint):
    data = rubric_data()
    data["rubric"][field] = bad
    error = refused(data)
    assert error.key == f"rubric.{field}"
    assert "is not a field the rubric describes in [rubric]" in error.problem
    assert hint in error.problem


@pytest.mark.parametrize(
    ("field", "key", "hint"),
    [
        ("controls", "label", "allowed keys: question, levels"),  # labels stay in the schema
        ("controls", "qestion", "did you mean 'question'?"),
        ("controls", "choices", "allowed keys: question, levels"),
        ("controls", "unit", "allowed keys: question, levels"),
        ("risk_level", "levels", "allowed keys: question, choices"),
        ("users", "levels", "allowed keys: question, unit"),
        ("monthly_value", "units", "did you mean 'unit'?"),
    ],
)
def test_an_unknown_key_of_an_entry_is_refused_with_the_keys_its_kind_takes(field, key, hint):
    data = rubric_data()
    data["rubric"][field][key] = "x"
    error = refused(data)
    assert error.key == f"rubric.{field}.{key}"
    assert f"is not a profile key in [rubric.{field}]" in error.problem
    assert hint in error.problem


@pytest.mark.parametrize(
    ("field", "change", "key", "hint"),
    [
        ("risk_level", ("hgh", "a typo"), "rubric.risk_level.choices.hgh", "did you mean 'high'?"),
        ("risk_level", ("extreme", "not a risk level"), "rubric.risk_level.choices.extreme", "low, medium"),
        ("current_mode", ("pipeline", "short name"), "rubric.current_mode.choices.pipeline", "api_pipeline"),
        ("risk_level", ("critical", None), "rubric.risk_level.choices.critical", "is missing"),
        ("current_mode", ("none", None), "rubric.current_mode.choices.none", "is missing"),
    ],
)
def test_categorical_choices_must_be_exactly_the_schemas_values(field, change, key, hint):
    data = rubric_data()
    value, text = change
    choices = data["rubric"][field]["choices"]
    if text is None:
        del choices[value]
    else:
        choices[value] = text
    error = refused(data)
    assert error.key == key
    assert hint in error.problem


@pytest.mark.parametrize(
    ("text", "problem"),
    [
        ("x" * (MAX_RUBRIC_TEXT + 1), f"at most {MAX_RUBRIC_TEXT} characters, got {MAX_RUBRIC_TEXT + 1}"),
        ("", "non-empty text"),
        ("   ", "non-empty text"),
        (3, "non-empty text"),
        (None, "non-empty text"),
        ("two\nlines", "one line"),
        ("a\ttab", "one line"),
    ],
)
@pytest.mark.parametrize(
    "where",
    [
        ("process_maturity", "levels", "3"),
        ("risk_level", "choices", "high"),
        ("users", "question", None),
        ("monthly_volume", "unit", None),
    ],
)
def test_a_text_must_be_one_non_empty_line_of_bounded_length(text, problem, where):
    data = rubric_data()
    field, key, answer = where
    if answer is None:
        data["rubric"][field][key] = text
        path = f"rubric.{field}.{key}"
    else:
        data["rubric"][field][key][answer] = text
        path = f"rubric.{field}.{key}.{answer}"
    error = refused(data)
    assert error.key == path
    assert problem in error.problem


def test_a_text_at_the_length_limit_is_accepted_and_surrounding_spaces_dropped():
    data = rubric_data()
    data["rubric"]["controls"]["levels"]["5"] = "  " + "y" * MAX_RUBRIC_TEXT + " "
    rubric = profile_from_dict(data).rubric
    assert rubric.describe("controls", 5) == "y" * MAX_RUBRIC_TEXT


@pytest.mark.parametrize(
    ("change", "key", "problem"),
    [
        (lambda r: r.pop("controls"), "rubric.controls", "leave out [rubric] to use the default"),
        (lambda r: r["controls"].pop("question"), "rubric.controls.question", "is missing"),
        (lambda r: r["controls"].pop("levels"), "rubric.controls.levels", "is missing"),
        (lambda r: r["users"].pop("unit"), "rubric.users.unit", "is missing"),
        (lambda r: r.__setitem__("controls", "levels"), "rubric.controls", "must be a table"),
        (
            lambda r: r["controls"].__setitem__("levels", ["a"] * 5),
            "rubric.controls.levels",
            "must be a table",
        ),
        (
            lambda r: r["risk_level"].__setitem__("choices", "low"),
            "rubric.risk_level.choices",
            "must be a table",
        ),
    ],
)
def test_a_partial_or_malformed_entry_is_refused(change, key, problem):
    data = rubric_data()
    change(data["rubric"])
    error = refused(data)
    assert error.key == key
    assert problem in error.problem


@pytest.mark.parametrize("value", ["a rubric", [], 3])
def test_a_rubric_that_is_not_a_table_is_refused(value):
    data = rubric_data()
    data["rubric"] = value
    assert refused(data).key == "rubric"


def test_a_typo_in_the_toml_is_refused_with_the_key():
    text = DEFAULT_TOML.replace("[rubric.controls.levels]", "[rubric.controls.level]")
    with pytest.raises(ProfileError, match=r"rubric.controls.level'.*did you mean 'levels'\?"):
        profile_from_toml(text)


JUNK = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(),
    st.floats(),
    st.text(max_size=300),
    st.lists(st.integers(), max_size=3),
)


@st.composite
def damaged_rubrics(draw) -> dict:
    """The default profile's data with junk put somewhere in its rubric, or a key added."""
    data = rubric_data()
    field = draw(st.sampled_from(RUBRIC_FIELDS))
    target = data["rubric"][field]
    if draw(st.booleans()):
        inner = "levels" if "levels" in target else "choices" if "choices" in target else None
        target = target[inner] if inner else target
    key = draw(st.one_of(st.sampled_from(sorted(target)), st.text(max_size=8)))
    target[key] = draw(JUNK)
    return data


@settings(max_examples=300, deadline=None)
@given(damaged_rubrics())
def test_a_damaged_rubric_is_a_profile_or_a_profile_error_never_a_traceback(data):
    try:
        profile = profile_from_dict(data)
    except ProfileError as error:
        assert error.key.startswith("rubric.") and error.problem
        return
    assert profile_from_toml(profile.to_toml()) == profile


# --- versioned with the profile, out of its hash -------------------------------------------


def custom_rubric_data() -> dict:
    data = rubric_data()
    data["rubric"]["controls"]["levels"]["3"] = "approvals, permissions and a named reviewer"
    data["rubric"]["risk_level"]["choices"]["high"] = "an error reaches clients or payments"
    data["rubric"]["users"]["unit"] = "named staff"
    data["rubric"]["value_evidence"]["question"] = "What evidence of value is there?"
    return data


def test_the_rubric_round_trips_through_toml():
    for profile in (default_profile(), profile_from_dict(custom_rubric_data())):
        text = profile.to_toml()
        assert "[rubric.controls.levels]" in text
        again = profile_from_toml(text)
        assert again == profile
        assert again.rubric == profile.rubric
    custom = profile_from_dict(custom_rubric_data())
    assert custom.rubric != default_rubric()
    assert custom.rubric.describe("controls", 3) == "approvals, permissions and a named reviewer"
    assert custom.rubric.unit("users") == "named staff"


def test_a_revision_keeps_the_rubric_and_can_change_it():
    custom = profile_from_dict(custom_rubric_data())
    revised = custom.revised({"weights": {"value": 0.5}})
    assert revised.rubric == custom.rubric
    reworded = custom.revised({"rubric": {"users": {"question": "Who works in it?", "unit": "people"}}})
    assert reworded.rubric.question("users") == "Who works in it?"
    assert reworded.rubric.question("controls") == custom.rubric.question("controls")


def test_a_profile_without_a_rubric_gets_the_default_and_keeps_its_hash():
    old = profile_from_toml(without_rubric(DEFAULT_TOML))  # as stored before the rubric existed
    assert "\n[rubric" not in without_rubric(DEFAULT_TOML)
    assert old.rubric == default_rubric()
    assert old == default_profile()
    assert old.content_hash == default_profile().content_hash
    data = rubric_data()
    del data["rubric"]
    assert profile_from_dict(data).rubric == default_rubric()


def test_rewording_the_rubric_never_changes_the_content_hash():
    custom = profile_from_dict(custom_rubric_data())
    assert custom != default_profile()
    assert custom.content_hash == default_profile().content_hash
    # while a change that does decide a score still does
    assert custom.revised({"demand": {"api_pipeline_min_volume": 5000}}).content_hash != custom.content_hash


# --- what the workbook and forms use ------------------------------------------------------


def test_describe_gives_an_answers_text_and_nothing_for_unknown():
    rubric = default_rubric()
    assert rubric.describe("process_maturity", 3) == "documented and mostly followed"
    assert rubric.describe("process_maturity", 3.0) == "documented and mostly followed"  # a float column
    assert rubric.describe("risk_level", "critical") == "an error can harm people's rights, safety or the law"
    assert rubric.describe("process_maturity", float("nan")) == ""
    assert rubric.describe("risk_level", None) == ""
    assert rubric.describe("monthly_volume", 1200) == "cases or transactions a month"
    for field, value in (("process_maturity", 6), ("process_maturity", 2.5), ("risk_level", "extreme")):
        with pytest.raises(ValueError, match="is not"):
            rubric.describe(field, value)
    with pytest.raises(ValueError, match="no rubric entry"):
        rubric.describe("stage", "pilot")


def test_display_strings_read_as_the_level_and_its_description():
    rubric = default_rubric()
    assert rubric.display("process_maturity", 3) == "3 — documented and mostly followed"
    assert rubric.display("risk_level", "low") == "low — an error is easily noticed and undone"
    assert rubric.display("current_mode", "shared_workspace", value_label).startswith(
        "Shared AI workspace — "
    )
    assert rubric.displays("value_evidence") == [
        "1 — no measurement",
        "2 — anecdotes",
        "3 — measured on a sample",
        "4 — measured against a baseline",
        "5 — measured in production over time",
    ]
    with pytest.raises(ValueError, match="its answer is a number"):
        rubric.display("monthly_volume", 10)
    with pytest.raises(ValueError, match="its answer is a number"):
        rubric.parse_display("users", "3")


@pytest.mark.parametrize("label", [None, value_label], ids=["values", "labels"])
@pytest.mark.parametrize("field", CHOICE_FIELDS)
def test_every_display_string_reads_back_as_its_value(field, label):
    for profile in (default_profile(), profile_from_dict(custom_rubric_data())):
        rubric = profile.rubric
        shown = rubric.displays(field, label)
        values = [v for v, _ in rubric.choices_for(field)]
        assert len(set(shown)) == len(shown) == len(values)
        assert all(DISPLAY_SEPARATOR in s for s in shown)
        assert [rubric.parse_display(field, s, label) for s in shown] == values
        # as a person may type or a spreadsheet may hand it back
        assert [rubric.parse_display(field, f"  {s.upper()}  ", label) for s in shown] == values
        assert [rubric.parse_display(field, str(v), label) for v in values] == values
        if label:
            assert [rubric.parse_display(field, label(field, v), label) for v in values] == values


def test_parse_display_reads_numbers_and_refuses_what_is_no_answer():
    rubric = default_rubric()
    assert rubric.parse_display("controls", 4) == 4
    assert rubric.parse_display("controls", 4.0) == 4
    assert rubric.parse_display("controls", "4") == 4
    for text in (6, 0, 2.5, True, "", "  ", None, float("nan"), "6", "four", "4 — something else", "4 -"):
        assert rubric.parse_display("controls", text) is None, text
    # an entry of another rubric (reworded) is not an answer of this one
    other = profile_from_dict(custom_rubric_data()).rubric
    assert rubric.parse_display("controls", other.display("controls", 3)) is None
    assert rubric.parse_display("risk_level", "extreme") is None
    assert rubric.parse_display("risk_level", 2) is None


def test_the_rubric_types_are_frozen_and_plain():
    rubric = default_rubric()
    assert isinstance(rubric, Rubric) and all(isinstance(e, RubricEntry) for e in rubric.entries)
    with pytest.raises(AttributeError):
        rubric.entries = ()  # type: ignore[misc]
    assert hash(rubric) == hash(default_rubric())  # tuples all the way down: safe as a cache key
