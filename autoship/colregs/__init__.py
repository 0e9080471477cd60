"""COLREG engine: CPA/TCPA, encounter classification, roles (rules 13-19), ship domains,
rule-by-rule scores and the named, versioned threshold profiles they all read.

Kernels callable from numba code (planners): ``cpa_tcpa_scalar``, ``encounter_angles_scalar``,
``classify_kernel`` (integer codes in ``autoship.colregs.classify``: 0 none, 1 head-on,
2 crossing give-way, 3 crossing stand-on, 4 overtaking, 5 overtaken).
"""

from autoship.colregs.classify import (
    CODE_NAMES,
    CODE_ROLE,
    CODE_TYPE,
    CROSSING_GIVE_WAY,
    CROSSING_STAND_ON,
    HEAD_ON,
    MIRROR,
    NONE,
    OVERTAKEN,
    OVERTAKING,
    classification_params,
    classify,
    classify_kernel,
    stage_of,
)
from autoship.colregs.profile import DEFAULT_PROFILE, Profile, available_profiles, load_profile
from autoship.colregs.roles import Category, Role, resolve_role, rule12_role, ship_category
from autoship.colregs.scores import EncounterFacts, safety_score, score_encounter
from autoship.geometry import (
    cpa_tcpa,
    cpa_tcpa_scalar,
    encounter_angles,
    encounter_angles_scalar,
)

__all__ = [
    "CODE_NAMES",
    "CODE_ROLE",
    "CODE_TYPE",
    "CROSSING_GIVE_WAY",
    "CROSSING_STAND_ON",
    "DEFAULT_PROFILE",
    "HEAD_ON",
    "MIRROR",
    "NONE",
    "OVERTAKEN",
    "OVERTAKING",
    "Category",
    "EncounterFacts",
    "Profile",
    "Role",
    "available_profiles",
    "classification_params",
    "classify",
    "classify_kernel",
    "cpa_tcpa",
    "cpa_tcpa_scalar",
    "encounter_angles",
    "encounter_angles_scalar",
    "load_profile",
    "resolve_role",
    "rule12_role",
    "safety_score",
    "score_encounter",
    "ship_category",
    "stage_of",
]
