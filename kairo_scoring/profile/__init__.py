"""The scoring profile: weights, demand thresholds, gates, verdict priority and the rubric, as
versioned TOML, parsed and checked key by key so every malformed file is refused with the
key and the problem (``ProfileError``).

One module per part: ``core`` (``Profile``, reading a profile document, ``load_profile``,
``default_profile``), ``gates`` (``Gate``, the comparisons each field allows), ``rubric``
(``Rubric``, ``RubricEntry``: what each answer means, versioned with the profile),
``currencies`` (the ISO 4217 codes) and ``checks`` (the key and number checks they share).
Import from ``kairo_scoring.profile``: this face re-exports their names, the public ones in
``__all__`` and, as ``X as X``, the constants modules and tests read from here.
"""

from kairo_scoring.profile.checks import NUMBER_MAX as NUMBER_MAX
from kairo_scoring.profile.core import DECIDABLE_VERDICTS as DECIDABLE_VERDICTS
from kairo_scoring.profile.core import DEMAND_KEYS as DEMAND_KEYS
from kairo_scoring.profile.core import FIT_KEYS as FIT_KEYS
from kairo_scoring.profile.core import MAX_DIMENSION_NAME as MAX_DIMENSION_NAME
from kairo_scoring.profile.core import MAX_PROFILE_VERSION as MAX_PROFILE_VERSION
from kairo_scoring.profile.core import PROFILE_KEYS as PROFILE_KEYS
from kairo_scoring.profile.core import UNHASHED_KEYS as UNHASHED_KEYS
from kairo_scoring.profile.core import VERDICT_KEYS as VERDICT_KEYS
from kairo_scoring.profile.core import WEIGHT_MAX as WEIGHT_MAX
from kairo_scoring.profile.core import WEIGHT_MIN as WEIGHT_MIN
from kairo_scoring.profile.core import (
    Profile,
    default_profile,
    load_profile,
    profile_from_dict,
    profile_from_toml,
)
from kairo_scoring.profile.currencies import DEFAULT_CURRENCY as DEFAULT_CURRENCY
from kairo_scoring.profile.currencies import ISO_4217 as ISO_4217
from kairo_scoring.profile.gates import GATE_KEYS as GATE_KEYS
from kairo_scoring.profile.gates import GATE_OPS as GATE_OPS
from kairo_scoring.profile.gates import MAX_GATES as MAX_GATES
from kairo_scoring.profile.gates import OP_SYMBOLS as OP_SYMBOLS
from kairo_scoring.profile.gates import OP_WORDS as OP_WORDS
from kairo_scoring.profile.gates import Gate
from kairo_scoring.profile.rubric import (
    DISPLAY_SEPARATOR,
    MAX_RUBRIC_TEXT,
    RUBRIC_FIELDS,
    Rubric,
    RubricEntry,
    default_rubric,
)
from kairo_scoring.profile.rubric import RUBRIC_KEYS as RUBRIC_KEYS
from kairo_scoring.profile.rubric import SCORE_LEVELS as SCORE_LEVELS

__all__ = [
    "DISPLAY_SEPARATOR",
    "MAX_RUBRIC_TEXT",
    "RUBRIC_FIELDS",
    "Gate",
    "Profile",
    "Rubric",
    "RubricEntry",
    "default_profile",
    "default_rubric",
    "load_profile",
    "profile_from_dict",
    "profile_from_toml",
]
