"""Kairo Portfolio Triage: readiness scoring and triage for a portfolio of AI pilots.

The library knows nothing of the UI: it takes and returns DataFrames and small frozen
dataclasses. Pages, exports and the CLI import from here, not from inner modules.

This is the one public face, built from each part's own `__all__` (lowest layer first:
see docs/architecture.md). To export a new name, add it to the `__all__` of the module or
subpackage that defines it; tests/test_library_boundary.py checks that it exists and that
something outside its own module uses it.
"""

from kairo_scoring import (
    access,
    assessment,
    decisions,
    deck,
    errors,
    exports,
    intake,
    present,
    profile,
    provenance,
    questions,
    schema,
    scoring,
    store,
    synthetic,
    values,
    views,
)
from kairo_scoring.access import *  # noqa: F403
from kairo_scoring.assessment import *  # noqa: F403
from kairo_scoring.decisions import *  # noqa: F403
from kairo_scoring.deck import *  # noqa: F403
from kairo_scoring.errors import *  # noqa: F403
from kairo_scoring.exports import *  # noqa: F403
from kairo_scoring.intake import *  # noqa: F403
from kairo_scoring.present import *  # noqa: F403
from kairo_scoring.profile import *  # noqa: F403
from kairo_scoring.provenance import *  # noqa: F403
from kairo_scoring.questions import *  # noqa: F403
from kairo_scoring.schema import *  # noqa: F403
from kairo_scoring.scoring import *  # noqa: F403
from kairo_scoring.store import *  # noqa: F403
from kairo_scoring.synthetic import *  # noqa: F403
from kairo_scoring.values import *  # noqa: F403
from kairo_scoring.views import *  # noqa: F403

# The parts whose `__all__` make up the public face, lowest layer first.
PARTS = (
    values,
    errors,
    schema,
    access,
    provenance,
    intake,
    store,
    profile,
    scoring,
    decisions,
    questions,
    synthetic,
    views,
    present,
    exports,
    deck,
    assessment,
)

__all__ = [name for part in PARTS for name in part.__all__]
