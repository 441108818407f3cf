"""The Intake page's Assessment returns: upload filled workbooks, see the summary and the
report, save the answers as one new snapshot; the Export page offers the workbooks."""

from __future__ import annotations

import io
import zipfile

from kairo_scoring import SAMPLE_PORTFOLIO, PortfolioStore, default_profile, plan_assessment, workbook_bytes
from tests.assessment.helpers import fill, set_cells
from tests.pages.conftest import metrics, no_errors

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _workbooks(store_path, folder, count=2):
    with PortfolioStore(store_path) as store:
        plan = plan_assessment(store, SAMPLE_PORTFOLIO, default_profile(), by="business_unit")
        undecided = plan.index[plan.index["undecided"] > 0]
        names = list((undecided if len(undecided) else plan.index)["file"][:count])
        paths = []
        for name in names:
            path = folder / name
            path.write_bytes(workbook_bytes(plan, name))
            paths.append(path)
        return paths, plan


def test_upload_filled_workbooks_see_the_summary_and_save(app, store_path, tmp_path):
    paths, plan = _workbooks(store_path, tmp_path)
    written = fill(paths[0])
    pilot = next(iter(written))[0]
    set_cells(paths[1], {(plan.pilots[plan.pilots["file"] == paths[1].name]["pilot_id"].iloc[0], "users"): 0})
    before = None
    with PortfolioStore(store_path) as store:
        before = store.latest_snapshot_id(SAMPLE_PORTFOLIO)

    app.switch_page("app_pages/intake.py")
    app.run()
    no_errors(app)
    uploader = app.file_uploader(key="returns_upload")
    for path in paths:
        uploader.upload(path.name, path.read_bytes(), XLSX)
    app.run()
    no_errors(app)
    shown = metrics(app)
    assert int(shown["Answers applied"].replace(",", "")) == len(written)
    assert shown["Rejected"] == "1"
    assert int(shown["Pilots newly decided"].replace(",", "")) >= 1
    report = next(d.value for d in app.dataframe if "status" in d.value.columns)
    assert set(report["code"]) >= {"answered", "bad_value"}
    labels = [b.label for b in app.get("download_button")]
    assert any("not applied (csv)" in label for label in labels)

    next(b for b in app.button if b.label == "Save answers").click()
    app.run()
    no_errors(app)
    assert any("Saved snapshot" in s.value for s in app.success)
    with PortfolioStore(store_path) as store:
        latest = store.latest_snapshot_id(SAMPLE_PORTFOLIO)
        assert latest != before
        provenance = store.load_provenance(latest)
    answered = provenance[(provenance["pilot_id"] == pilot) & (provenance["kind"] == "assessment")]
    assert len(answered) == sum(1 for p, _ in written if p == pilot)


def test_the_export_page_offers_the_workbooks(app, store_path):
    app.switch_page("app_pages/export.py")
    app.run()
    no_errors(app)
    assert [r.key for r in app.radio if r.key == "assessment_by"]
    assert any(b.label == "Download assessment workbooks (zip)" for b in app.get("download_button"))
    with PortfolioStore(store_path) as store:  # what the button builds
        plan = plan_assessment(store, SAMPLE_PORTFOLIO, default_profile(), by="owner")
    from kairo_scoring import assessment_zip

    with zipfile.ZipFile(io.BytesIO(assessment_zip(plan))) as archive:
        assert "index.csv" in archive.namelist()
