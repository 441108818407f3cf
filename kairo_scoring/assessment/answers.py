"""Answer by answer: what each cell of a read workbook says, which answer wins, what changes.

`_check_rows` checks every row and answer cell of a `_Workbook` on its own (unknown pilots,
changed locked cells, duplicate and missing rows, cells that are no answer) and keeps the
usable answers; `_resolve` settles two workbooks answering one field of one pilot (the
later-made one applies); `_against_latest` keeps the answers that change the latest snapshot
as the answer rows `save_returns` stores. Every outcome is a report row.
"""

from __future__ import annotations

import re
from datetime import datetime

import pandas as pd

from kairo_scoring.assessment.layout import ANSWER_FIELDS, ANSWERS_SHEET, LOCKED_FIELDS, parse_answer
from kairo_scoring.assessment.reading import _Reader, _shown, _text, _Workbook
from kairo_scoring.assessment.report import CODE_MEANINGS, ReturnCode
from kairo_scoring.present.labels import field_label
from kairo_scoring.profile import Rubric
from kairo_scoring.provenance import ANSWER_COLUMNS, ProvenanceKind, answer_problem
from kairo_scoring.values import column_letter, is_blank, is_missing

_NUMBER_TEXT = re.compile(r"^[+-]?(\d+(\.\d*)?|\.\d+)$")


def _number(value: object) -> object:
    """A number cell's value as a number; text that is a plain number reads as one."""
    if isinstance(value, str) and _NUMBER_TEXT.match(value.strip()):
        return float(value.strip())
    return value


def _parsed(rubric: Rubric, name: str, value: object) -> tuple[object, str | None]:
    """(the canonical answer, None) or (None, why the cell is no answer)."""
    label = field_label(name)
    if rubric.entry(name).choices:
        parsed = parse_answer(rubric, name, value)
        if parsed is None:
            return None, f"{label}: '{_shown(value)}' is not one of its answers: pick one from the dropdown"
        return parsed, answer_problem(name, parsed)
    if isinstance(value, datetime):
        return None, f"{label}: a date is not a number"
    number = _number(value)
    if isinstance(number, str):
        return None, f"{label}: '{value}' is text, not a number"
    problem = answer_problem(name, number)
    return (None, problem) if problem else (float(number), None)


def _same_value(a: object, b: object) -> bool:
    if is_missing(a) or is_missing(b):
        return is_missing(a) and is_missing(b)
    if isinstance(a, str) or isinstance(b, str):
        return str(a) == str(b)
    return float(a) == float(b)  # type: ignore[arg-type]


def _check_rows(reader: _Reader, book: _Workbook, origin: pd.DataFrame, latest: pd.DataFrame):
    """Every answer cell of the workbook checked on its own; returns the usable answers."""
    expected = set(book.pilot_ids)
    counts: dict[str, int] = {}
    for _, cells in book.rows:
        pid = _text(cells.get("pilot_id"))
        if pid:
            counts[pid] = counts.get(pid, 0) + 1
    fields = [k for k in book.columns if k in ANSWER_FIELDS]
    out: list[dict[str, object]] = []
    returned: set[str] = set()
    for number, cells in book.rows:
        pid = _text(cells.get("pilot_id"))
        where = {"sheet": ANSWERS_SHEET, "cell": f"{column_letter(book.columns['pilot_id'])}{number}"}
        if pid is None:
            reader.note(book.file, ReturnCode.UNKNOWN_PILOT, f"row {number} has no pilot ID", **where)
            continue
        returned.add(pid)
        if pid not in latest.index:
            reader.note(
                book.file,
                ReturnCode.UNKNOWN_PILOT,
                f"pilot ID '{pid}' (row {number}) is not in the portfolio",
                pilot_id=pid,
                value=pid,
                **where,
            )
            continue
        changed = _locked_changes(cells, pid, origin, expected)
        if changed:
            reader.note(
                book.file,
                ReturnCode.LOCKED_CHANGED,
                f"row {number}: {changed}; nothing of the row applied",
                pilot_id=pid,
                **where,
            )
            continue
        if counts[pid] > 1:
            reader.note(
                book.file,
                ReturnCode.DUPLICATE_ROW,
                f"pilot '{pid}' has {counts[pid]} rows in the workbook: none applied",
                pilot_id=pid,
                **where,
            )
            continue
        for name in fields:
            value = cells.get(name)
            if is_blank(value):
                continue
            cell = f"{column_letter(book.columns[name])}{number}"
            answer, problem = _parsed(book.rubric, name, value)
            if problem:
                reader.note(
                    book.file,
                    ReturnCode.BAD_VALUE,
                    problem,
                    sheet=ANSWERS_SHEET,
                    cell=cell,
                    pilot_id=pid,
                    field=name,
                    value=_shown(value),
                )
                continue
            prefilled = origin[name].get(pid) if pid in origin.index else None
            if _same_value(prefilled, answer):
                continue  # the prefilled value left as it was: no answer
            out.append(
                {
                    "file": book.file,
                    "made_at": book.made_at,
                    "respondent": book.respondent,
                    "cell": cell,
                    "row": number,
                    "pilot_id": pid,
                    "field": name,
                    "value": answer,
                    "shown": _shown(value),
                    "correction": not is_missing(prefilled),
                }
            )
    for pid in book.pilot_ids:
        if pid not in returned:
            reader.note(
                book.file,
                ReturnCode.MISSING_ROW,
                f"pilot '{pid}' has no row in the returned workbook (deleted?): no answers for it",
                sheet=ANSWERS_SHEET,
                pilot_id=pid,
            )
    return out


def _locked_changes(cells: dict[str, object], pid: str, origin: pd.DataFrame, expected: set[str]) -> str:
    if pid not in expected or pid not in origin.index:
        return f"pilot ID '{pid}' is not one of this workbook's pilots (the locked ID was changed)"
    changes = []
    for name in LOCKED_FIELDS[1:]:
        if name not in cells:
            continue
        given, made = _text(cells[name]), _text(origin.at[pid, name])
        if given != made:
            changes.append(f"{field_label(name)} reads '{given or ''}', not '{made or ''}'")
    return "; ".join(changes)


def _resolve(reader: _Reader, candidates: list[dict[str, object]]) -> list[dict[str, object]]:
    """One answer per (pilot, field): conflicts decided by the later-made workbook."""
    groups: dict[tuple[str, str], list[dict[str, object]]] = {}
    for answer in candidates:
        groups.setdefault((str(answer["pilot_id"]), str(answer["field"])), []).append(answer)
    chosen = []
    for group in groups.values():
        if len(group) == 1:
            chosen.append({**group[0], "code": None})
            continue
        latest_made = max(a["made_at"] for a in group)
        newest = [a for a in group if a["made_at"] == latest_made]
        distinct = {_key(a["value"]) for a in group}
        winner_values = {_key(a["value"]) for a in newest}
        others = "; ".join(f"{a['file']} ({a['cell']}): {a['shown']}" for a in group)
        if len(distinct) > 1 and len(winner_values) > 1:
            for a in group:
                _note_answer(reader, a, ReturnCode.CONFLICT_UNRESOLVED, f"answered differently: {others}")
            continue
        winner = newest[-1]
        code = ReturnCode.CONFLICT_APPLIED if len(distinct) > 1 else None
        chosen.append({**winner, "code": code, "reason": f"answered differently: {others}"})
        for a in group:
            if a is winner:
                continue
            if _key(a["value"]) == _key(winner["value"]):
                _note_answer(reader, a, ReturnCode.SAME_ANSWER, f"the same answer as {winner['file']}")
            else:
                _note_answer(
                    reader,
                    a,
                    ReturnCode.CONFLICT_OVERRIDDEN,
                    f"answered differently: {others}; {winner['file']} was made later and applies",
                )
    return chosen


def _key(value: object) -> object:
    return value if isinstance(value, str) else float(value)  # type: ignore[arg-type]


def _note_answer(reader: _Reader, answer: dict[str, object], code: ReturnCode, reason: str) -> None:
    reader.note(
        str(answer["file"]),
        code,
        reason,
        sheet=ANSWERS_SHEET,
        cell=answer["cell"],
        pilot_id=answer["pilot_id"],
        field=answer["field"],
        value=answer["shown"],
        correction=bool(answer["correction"]),
    )


def _against_latest(reader, chosen, provenance: pd.DataFrame, latest: pd.DataFrame):
    """The answers that change the latest snapshot, and the applied ones as records."""
    held_by = {
        key: (kind, respondent)
        for key, kind, respondent in zip(
            zip(provenance["pilot_id"], provenance["field"], strict=True),
            provenance["kind"],
            provenance["respondent"],
            strict=True,
        )
    }
    columns = {name: latest[name].to_dict() for name in {str(a["field"]) for a in chosen}}
    rows, applied = [], []
    for a in chosen:
        pid, name = str(a["pilot_id"]), str(a["field"])
        current = columns[name][pid]
        if _same_value(current, a["value"]) and (pid, name) in held_by:
            kind, respondent = held_by[(pid, name)]
            if kind == ProvenanceKind.ASSESSMENT.value and respondent == a["respondent"]:
                _note_answer(
                    reader, a, ReturnCode.UNCHANGED, "already in the latest snapshot from this respondent"
                )
                continue
        code = a["code"] or (ReturnCode.CORRECTED if a["correction"] else ReturnCode.ANSWERED)
        reason = a.get("reason") if code is ReturnCode.CONFLICT_APPLIED else CODE_MEANINGS[code]
        _note_answer(reader, a, code, str(reason))
        applied.append(a)
        made = pd.Timestamp(a["made_at"]).strftime("%Y-%m-%d %H:%M:%S UTC")
        rows.append(
            {
                "pilot_id": pid,
                "field": name,
                "value": a["value"],
                "kind": ProvenanceKind.ASSESSMENT.value,
                "source": a["file"],
                "sheet": ANSWERS_SHEET,
                "row": a["row"],
                "detail": f"cell {a['cell']} of the workbook made {made}",
                "respondent": a["respondent"],
                "recorded_at": None,
            }
        )
    answers = pd.DataFrame(rows, columns=list(ANSWER_COLUMNS))
    answers["value"] = answers["value"].astype(object)
    # Recorded when saved (the store stamps a missing time); typed so the stamp fits.
    answers["recorded_at"] = pd.Series(pd.NaT, index=answers.index, dtype="datetime64[ns, UTC]")
    return answers, applied
