"""Writers racing on one pilot: one decision in force, whatever runs at once."""

from __future__ import annotations

import threading

from kairo_scoring import Actor, DecisionProblem, DecisionRefused, DecisionStatus, record_decisions
from tests.decisions.conftest import PORTFOLIO

WRITERS = 6


def _race(work) -> list[BaseException | object]:
    start = threading.Barrier(WRITERS)
    results: list[BaseException | object] = [None] * WRITERS

    def run(i: int) -> None:
        start.wait()
        try:
            results[i] = work(i)
        except BaseException as exc:  # noqa: BLE001 - collected for the assertions
            results[i] = exc

    threads = [threading.Thread(target=run, args=(i,)) for i in range(WRITERS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    return results


def test_concurrent_proposals_on_one_pilot_leave_one_pending(store, imported):
    snapshot_id, scored = imported

    def propose(i: int):
        return record_decisions(
            store, scored, snapshot_id, ["P1"], "retire", actor=Actor.open_mode(f"Editor {i}")
        )

    results = _race(propose)
    assert not [r for r in results if isinstance(r, BaseException)], results
    decisions = store.decisions(PORTFOLIO, pilot_id="P1")
    assert len(decisions) == WRITERS
    assert (decisions["status"] == DecisionStatus.PROPOSED).sum() == 1
    assert (decisions["status"] == DecisionStatus.SUPERSEDED).sum() == WRITERS - 1
    assert len(store.audit(action="propose_decision")) == WRITERS


def test_concurrent_sign_offs_of_one_decision_land_once(store, imported):
    snapshot_id, scored = imported
    [decision_id] = record_decisions(
        store, scored, snapshot_id, ["P2"], "accept", actor=Actor.open_mode("Ed")
    )

    def approve(i: int):
        return store.approve_decisions(decision_id, actor=Actor.open_mode(f"Approver {i}"))

    results = _race(approve)
    landed = [r for r in results if not isinstance(r, BaseException)]
    refused = [r for r in results if isinstance(r, DecisionRefused)]
    assert len(landed) == 1 and len(refused) == WRITERS - 1, results
    assert {r.code for r in refused} == {DecisionProblem.NOT_PENDING}
    assert len(store.audit(action="approve_decision")) == 1
    assert store.decisions(PORTFOLIO).iloc[0]["status"] == DecisionStatus.APPROVED
