"""The rubric of a scoring profile: what every answer means, so that two owners mean the same
thing by "3". ``Rubric`` and its ``RubricEntry`` per field of ``RUBRIC_FIELDS`` (a question,
and a description per level or allowed value, or a unit for a number field), the dropdown
entries built from it and read back, and ``_rubric_from_table``, which reads a ``[rubric]``
table key by key. ``default_rubric`` is the shipped default profile's rubric: what a profile
without one gets. It is versioned with its profile but never part of a score."""

from __future__ import annotations

import functools
from collections.abc import Callable
from dataclasses import dataclass
from importlib import resources
from typing import Any

from kairo_scoring import tomlsafe
from kairo_scoring.errors import ProfileError
from kairo_scoring.profile.checks import _check_keys
from kairo_scoring.schema import FIELD_BY_NAME, SCORE_FIELDS, SCORE_MAX, SCORE_MIN
from kairo_scoring.values import is_missing

# The fields a rubric describes: every answer an assessment asks for. Stage is the PMO's
# bookkeeping, not an answer, so it has none. Each kind of field takes its own keys; labels
# stay in the schema (one name for one thing), so a rubric entry has no label.
RUBRIC_FIELDS: tuple[str, ...] = (
    *SCORE_FIELDS,
    "risk_level",
    "current_mode",
    "monthly_volume",
    "users",
    "monthly_value",
)
RUBRIC_KEYS: dict[str, tuple[str, ...]] = {
    "score": ("question", "levels"),
    "enum": ("question", "choices"),
    "count": ("question", "unit"),
    "amount": ("question", "unit"),
}
SCORE_LEVELS: tuple[int, ...] = tuple(range(SCORE_MIN, SCORE_MAX + 1))
# A description is read in a dropdown and a workbook cell: one short line.
MAX_RUBRIC_TEXT = 200
# Between a level and its description in a dropdown entry: "3 — documented and mostly followed".
DISPLAY_SEPARATOR = " — "


@dataclass(frozen=True)
class RubricEntry:
    """What one answer field asks, and what each of its answers means.

    `choices` holds (value, description) pairs in the order to offer them: the levels 1 to 5
    of a 1-5 field, the schema's allowed values of a categorical one, nothing for a number
    field, which has a `unit` instead. The field's label stays in the schema.
    """

    field: str
    question: str
    choices: tuple[tuple[int | str, str], ...] = ()
    unit: str = ""

    @property
    def kind(self) -> str:
        return FIELD_BY_NAME[self.field].kind

    def to_dict(self) -> dict[str, Any]:
        """The entry in the TOML layout (levels keyed "1" to "5": TOML keys are text)."""
        out: dict[str, Any] = {"question": self.question}
        if self.kind == "score":
            out["levels"] = {str(value): text for value, text in self.choices}
        elif self.kind == "enum":
            out["choices"] = {str(value): text for value, text in self.choices}
        else:
            out["unit"] = self.unit
        return out


@dataclass(frozen=True)
class Rubric:
    """What every answer means, so that two owners mean the same thing by "3".

    One `RubricEntry` per field of `RUBRIC_FIELDS`, in that order. The workbook and the
    answer forms read it through these methods: `choices_for` to offer the answers,
    `describe` to explain one, and `display` / `parse_display` for dropdown entries such
    as "3 — documented and mostly followed" and back.
    """

    entries: tuple[RubricEntry, ...]

    @property
    def fields(self) -> tuple[str, ...]:
        return tuple(e.field for e in self.entries)

    def entry(self, field_name: str) -> RubricEntry:
        for entry in self.entries:
            if entry.field == field_name:
                return entry
        raise ValueError(f"{field_name!r} has no rubric entry; the rubric covers {', '.join(RUBRIC_FIELDS)}")

    def question(self, field_name: str) -> str:
        """The question a workbook or form asks for the field."""
        return self.entry(field_name).question

    def unit(self, field_name: str) -> str:
        """What a number field is counted in ("cases or transactions a month"); "" for the others."""
        return self.entry(field_name).unit

    def choices_for(self, field_name: str) -> list[tuple[int | str, str]]:
        """(value, description) of each answer, in the order to offer them; [] for a number field."""
        return list(self.entry(field_name).choices)

    def describe(self, field_name: str, value: Any) -> str:
        """The description of one answer ('documented and mostly followed' for process_maturity 3).

        "" when the value is missing (unknown has no description); a number field gives
        its unit. A value that is not one of the field's answers raises ValueError.
        """
        entry = self.entry(field_name)
        if is_missing(value):
            return ""
        if not entry.choices:
            return entry.unit
        key = _answer_key(entry, value)
        for choice, text in entry.choices:
            if choice == key:
                return text
        raise ValueError(f"{value!r} is not an answer of {field_name}")

    def display(self, field_name: str, value: Any, label: Callable[[str, Any], str] | None = None) -> str:
        """The dropdown entry of one answer: "3 — documented and mostly followed".

        The answer is shown as its value, or as ``label(field, value)`` when a label
        function is given (the present layer's `value_label`: "Low", "Shared AI workspace");
        `parse_display` with the same ``label`` reads it back.
        """
        entry = self._with_choices(field_name)
        key = _answer_key(entry, value)
        shown = label(field_name, key) if label else str(key)
        return f"{shown}{DISPLAY_SEPARATOR}{self.describe(field_name, key)}"

    def displays(self, field_name: str, label: Callable[[str, Any], str] | None = None) -> list[str]:
        """Every dropdown entry of the field, in the order to offer (a workbook's validation list)."""
        return [self.display(field_name, v, label) for v, _ in self._with_choices(field_name).choices]

    def parse_display(
        self, field_name: str, text: Any, label: Callable[[str, Any], str] | None = None
    ) -> int | str | None:
        """The answer a dropdown entry stands for: 3 for "3 — documented and mostly followed".

        Also reads the bare answer ("3", 3, "low", or its label when ``label`` is given),
        ignoring case and runs of spaces. None when the text is blank or no answer of the
        field, for the caller to report; an entry written with other descriptions (another
        rubric) is not an answer of this one.
        """
        entry = self._with_choices(field_name)
        if isinstance(text, bool) or is_missing(text):
            return None
        if isinstance(text, int | float):
            try:
                key = _answer_key(entry, text)
            except ValueError:
                return None
            return key if any(key == v for v, _ in entry.choices) else None
        if not isinstance(text, str):
            return None
        wanted = _folded(text)
        for value, _ in entry.choices:
            known = {_folded(self.display(field_name, value, label)), _folded(str(value))}
            if label:
                known.add(_folded(label(field_name, value)))
            if wanted in known:
                return value
        return None

    def to_dict(self) -> dict[str, Any]:
        """The rubric in the TOML layout: one [rubric.<field>] table per field."""
        return {e.field: e.to_dict() for e in self.entries}

    def _with_choices(self, field_name: str) -> RubricEntry:
        entry = self.entry(field_name)
        if not entry.choices:
            raise ValueError(f"{field_name} has no levels: its answer is a number ({entry.unit})")
        return entry


def _folded(text: str) -> str:
    return " ".join(text.split()).casefold()


def _answer_key(entry: RubricEntry, value: Any) -> int | str:
    """A 1-5 answer as an int (3.0 from a float column reads 3); a categorical one as its text."""
    if entry.kind != "score":
        return str(value)
    if isinstance(value, bool) or not isinstance(value, int | float) or not float(value).is_integer():
        raise ValueError(f"{value!r} is not a level of {entry.field}")
    return int(value)


def _rubric_text(value: Any, path: str) -> str:
    """One line of text, 1 to MAX_RUBRIC_TEXT characters: it is read in a dropdown and a cell."""
    if not isinstance(value, str) or not value.strip():
        raise ProfileError(path, "must be a non-empty text")
    text = value.strip()
    if len(text) > MAX_RUBRIC_TEXT:
        raise ProfileError(path, f"must be at most {MAX_RUBRIC_TEXT} characters, got {len(text)}")
    if any(ch < " " or ch == "\x7f" for ch in text):
        raise ProfileError(path, "must be one line, without line breaks, tabs or control characters")
    return text


def _parse_answers(
    raw: Any, allowed: tuple[str, ...], path: str, *, what: str
) -> tuple[tuple[str, str], ...]:
    """Exactly one description per allowed answer, in the order of ``allowed``, each its own."""
    if not isinstance(raw, dict):
        raise ProfileError(path, f"must be a table with a description for each of {', '.join(allowed)}")
    _check_keys(raw, allowed, f"[{path}]", path, what=what, listed="one of")
    seen: dict[str, str] = {}
    answers = []
    for answer in allowed:
        if answer not in raw:
            raise ProfileError(f"{path}.{answer}", f"is missing; describe each of {', '.join(allowed)}")
        text = _rubric_text(raw[answer], f"{path}.{answer}")
        if _folded(text) in seen:
            raise ProfileError(
                f"{path}.{answer}", f"has the same description as {seen[_folded(text)]}; give each its own"
            )
        seen[_folded(text)] = answer
        answers.append((answer, text))
    return tuple(answers)


def _parse_rubric_entry(raw: Any, field_name: str) -> RubricEntry:
    path = f"rubric.{field_name}"
    kind = FIELD_BY_NAME[field_name].kind
    keys = RUBRIC_KEYS[kind]
    if not isinstance(raw, dict):
        raise ProfileError(path, f"must be a table with {' and '.join(keys)}")
    _check_keys(raw, keys, f"[{path}]", path)
    for key in keys:
        if key not in raw:
            raise ProfileError(f"{path}.{key}", "is missing")
    question = _rubric_text(raw["question"], f"{path}.question")
    if kind == "score":
        levels = raw["levels"]
        if isinstance(levels, dict):  # TOML keys are text; data built in code may use ints
            levels = {
                str(k) if isinstance(k, int) and not isinstance(k, bool) else k: v for k, v in levels.items()
            }
        answers = _parse_answers(
            levels, tuple(str(v) for v in SCORE_LEVELS), f"{path}.levels", what="a level of a 1-5 field"
        )
        return RubricEntry(field_name, question, tuple((int(v), text) for v, text in answers))
    if kind == "enum":
        allowed = FIELD_BY_NAME[field_name].allowed
        answers = _parse_answers(raw["choices"], allowed, f"{path}.choices", what=f"a value of {field_name}")
        return RubricEntry(field_name, question, answers)
    return RubricEntry(field_name, question, unit=_rubric_text(raw["unit"], f"{path}.unit"))


def _rubric_from_table(raw: Any) -> Rubric:
    if not isinstance(raw, dict):
        raise ProfileError("rubric", "must be a table of [rubric.<field>] tables")
    _check_keys(
        raw, RUBRIC_FIELDS, "[rubric]", "rubric", what="a field the rubric describes", listed="fields"
    )
    for field_name in RUBRIC_FIELDS:
        if field_name not in raw:
            raise ProfileError(
                f"rubric.{field_name}",
                "is missing; describe every answer field, or leave out [rubric] to use the default rubric",
            )
    return Rubric(tuple(_parse_rubric_entry(raw[f], f) for f in RUBRIC_FIELDS))


def _default_profile_text() -> str:
    return resources.files("kairo_scoring").joinpath("default_profile.toml").read_text("utf-8")


@functools.cache
def default_rubric() -> Rubric:
    """The rubric of the shipped default profile (readiness model v1): what a profile without one gets."""
    return _rubric_from_table(tomlsafe.loads(_default_profile_text()).get("rubric"))
