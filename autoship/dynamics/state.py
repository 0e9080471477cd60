"""Row constants of the struct-of-arrays fleet state, commands and environment.

State ``X`` is float64 (NX, n_ships); commands ``C`` (NC, n_ships); environment ``env`` (NENV,).
"""

N, E, PSI, U, V, R, DELTA, NPROP, AUX0, AUX1, AUX2, AUX3 = range(12)
NX = 12
STATE_NAMES = (
    "north",
    "east",
    "heading",
    "u",
    "v",
    "r",
    "rudder",
    "shaft",
    "aux0",
    "aux1",
    "aux2",
    "aux3",
)

CMD_COURSE, CMD_SPEED = range(2)
NC = 2

ENV_CUR_N, ENV_CUR_E, ENV_WIND_SPEED, ENV_WIND_FROM = range(4)
NENV = 4
