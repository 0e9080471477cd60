"""The only place numba is imported; compiler flags live here.

cache=True because compile time is the user's wait; fastmath=False so runs are bit-repeatable.
"""

from __future__ import annotations

import numba

JIT_OPTIONS = {"cache": True, "fastmath": False, "nogil": True}


def njit(*args, **kwargs):
    """``numba.njit`` with the project's flags; extra keyword arguments override them."""
    options = {**JIT_OPTIONS, **kwargs}
    if args and callable(args[0]):
        return numba.njit(**options)(args[0])
    return numba.njit(*args, **options)


prange = numba.prange
