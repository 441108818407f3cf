"""The vectorised decision model: arrays in, arrays out, no per-pilot Python loop.

Unknown is not zero. A gate that needs an unknown field is *not met* (status UNKNOWN).
To tell whether a decision hinges on unknowns, the engine carries a lower and an upper
bound for demand, supply and the current mode, and checks whether every completion of
the unknowns inside those bounds gives the same verdict.

The model lives in one module per part, and this module is their common face, so that
``engine.read_inputs``, ``engine.gate_status`` and the rest read as before:
inputs.py (`Inputs`, MET / FAILED / UNKNOWN), readiness.py (readiness scores and their
range), gates.py (gate statuses, gate credit, supply bounds), demand.py (the demand rules
and bounds), fit.py (demand credit and the fits) and recommendation.py (the verdict table
and the needs_data rule). Each rule is computed in its own module only; nothing is
defined here.
"""

from kairo_scoring.demand import demand_bounds, demand_rules
from kairo_scoring.fit import demand_credit, demand_credit_index
from kairo_scoring.gates import FAILED_CREDIT_CAP, gate_credit, gate_status, supply_bounds
from kairo_scoring.inputs import FAILED, LEVELS, MET, UNKNOWN, Inputs, filled_in, read_inputs
from kairo_scoring.readiness import ReadinessScores, readiness_scores
from kairo_scoring.recommendation import NEEDS_DATA, decide_verdicts, verdict_table

__all__ = [
    "FAILED",
    "FAILED_CREDIT_CAP",
    "LEVELS",
    "MET",
    "NEEDS_DATA",
    "UNKNOWN",
    "Inputs",
    "ReadinessScores",
    "decide_verdicts",
    "demand_bounds",
    "demand_credit",
    "demand_credit_index",
    "demand_rules",
    "filled_in",
    "gate_credit",
    "gate_status",
    "read_inputs",
    "readiness_scores",
    "supply_bounds",
    "verdict_table",
]
