"""The assessment loop end to end on the 2025 federal AI inventory: import → deciding
questions → one workbook per business unit → every answer cell filled with a valid value
read from the workbook's own dropdowns → import → every row accounted for, every pilot
decided, every stored value the one written, with `assessment` provenance."""

from __future__ import annotations

import pytest

from kairo_scoring import (
    PortfolioStore,
    ReturnCode,
    deciding_questions,
    default_profile,
    plan_assessment,
    read_portfolio,
    read_returns,
    save_returns,
    score,
    store_profile_version,
    write_assessment,
)
from tests.assessment.helpers import fill, keys

ROWS_IN_INVENTORY = 3611
pytestmark = pytest.mark.shared


def _expected(rubric, field, written):
    """The canonical value a written cell stands for: the dropdown entry's position in the
    rubric's choices (the lists were read from the workbook), or the number itself."""
    choices = rubric.choices_for(field)
    if not choices:
        return float(written)
    shown = rubric.displays(field, _label)
    return choices[shown.index(written)][0]


def _label(field, value):
    from kairo_scoring import value_label

    return value_label(field, value)


def test_the_federal_inventory_goes_round_the_loop(federal_dir, tmp_path):
    profile = default_profile()
    intake = read_portfolio(federal_dir / "2025_individually_reported_AI_use_cases.csv")
    with PortfolioStore(tmp_path / "kairo.duckdb") as store:
        store_profile_version(store, profile)
        base = store.import_snapshot(
            intake,
            portfolio="Federal 2025",
            profile_name=profile.name,
            profile_version=profile.version,
            profile_hash=profile.content_hash,
        )
        assert base.pilots + base.rejected == ROWS_IN_INVENTORY
        questions = deciding_questions(score(store.load_pilots(base.snapshot_id), profile))
        assert questions.undecided == base.pilots  # a register alone decides nothing

        plan = plan_assessment(store, "Federal 2025", profile, by="business_unit")
        out = tmp_path / "workbooks"
        out.mkdir()
        written_paths = write_assessment(plan, out)
        workbooks = written_paths[:-1]
        assert written_paths[-1].name == "index.csv"
        assert len(workbooks) == plan.pilots["business_unit"].nunique()

        expected, respondent_of, file_of, seen = {}, {}, {}, {}

        def check(book):
            """The workbook as sent: hidden About, protected Answers, locked identity, header rows."""
            assert book["About"].sheet_state == "hidden"
            answers = book["Answers"]
            assert answers.protection.sheet and not answers.protection.password
            about = {r[0]: r[1] for r in book["About"].iter_rows(max_col=2, values_only=True) if r[0]}
            assert about["portfolio"] == "Federal 2025"
            assert about["snapshot_id"] == str(base.snapshot_id)
            assert (about["profile_name"], about["profile_version"]) == (profile.name, str(profile.version))
            assert about["profile_hash"] == profile.content_hash
            columns = keys(answers)
            assert list(columns)[:4] == ["pilot_id", "name", "business_unit", "owner"]
            assert answers.cell(1, columns["pilot_id"]).value == "Pilot ID"  # row 1: labels
            for row in range(3, answers.max_row + 1):
                for name in ("pilot_id", "name", "business_unit"):
                    assert answers.cell(row, columns[name]).protection.locked
            seen.update(rows=seen.get("rows", 0) + answers.max_row - 2, about=about)

        for path in workbooks:
            for (pilot_id, field), value in fill(path, check=check).items():  # asserts each cell's validation
                expected[(pilot_id, field)] = _expected(profile.rubric, field, value)
                respondent_of[pilot_id] = seen["about"]["respondent"]
                file_of[pilot_id] = path.name
        rows_in_workbooks = seen["rows"]
        assert rows_in_workbooks + base.rejected == ROWS_IN_INVENTORY  # every row accounted for
        assert len(respondent_of) == base.pilots

        returns = read_returns(store, "Federal 2025", workbooks, profile)
        assert returns.rejected().empty, returns.rejected().head()
        assert returns.summary.answers_applied == len(expected)
        assert returns.summary.pilots_newly_decided == base.pilots
        assert set(returns.report["code"]) <= {ReturnCode.ANSWERED, ReturnCode.CORRECTED}
        saved = save_returns(store, returns, profile=profile)
        assert saved is not None and saved.snapshot.is_new
        assert store.latest_snapshot_id("Federal 2025") == saved.snapshot.snapshot_id

        pilots = store.load_pilots(saved.snapshot.snapshot_id).set_index("pilot_id")
        provenance = store.load_provenance(saved.snapshot.snapshot_id).set_index(["pilot_id", "field"])
    assert len(pilots) == base.pilots
    table = score(pilots.reset_index(), profile).table
    assert not (table["verdict"] == "needs_data").any()
    assert not (table["recommended"] == "undecided").any()
    for (pilot_id, field), value in expected.items():
        assert pilots.at[pilot_id, field] == value, (pilot_id, field)
        where = provenance.loc[(pilot_id, field)]
        assert where["kind"] == "assessment", (pilot_id, field)
        assert where["respondent"] == respondent_of[pilot_id]
        assert where["source"] == file_of[pilot_id]
