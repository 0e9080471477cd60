"""Reinforcement-learning environments over scenarios; importing this module registers
``autoship/Encounter-v0`` with Gymnasium.

    import gymnasium, autoship.gym
    env = gymnasium.make("autoship/Encounter-v0", scenario="scenarios/imazu/imazu-01.toml")
    envs = gymnasium.make_vec("autoship/Encounter-v0", num_envs=4, scenario=...)

``autoship.gym.parallel.ParallelEncounterEnv`` is the PettingZoo version (every autonomous
ship an agent).
"""

from gymnasium.envs.registration import register, registry

from autoship.gym.agent import OWN_FEATURES, TARGET_FEATURES, AgentConfig
from autoship.gym.encounter import EncounterEnv

ENV_ID = "autoship/Encounter-v0"

if ENV_ID not in registry:
    register(id=ENV_ID, entry_point="autoship.gym.encounter:EncounterEnv")

__all__ = ["ENV_ID", "OWN_FEATURES", "TARGET_FEATURES", "AgentConfig", "EncounterEnv"]
