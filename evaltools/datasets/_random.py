"""``random_state``: the one source of randomness of the generators."""

from __future__ import annotations

import numpy as np

from ..exceptions import ParameterError


def check_random_state(random_state, func: str) -> np.random.Generator:
    """A numpy Generator from an int >= 0, a Generator, or None (fresh entropy).

    >>> check_random_state(3, "popp_synthetic").integers(10) == np.random.default_rng(3).integers(10)
    np.True_
    """
    if isinstance(random_state, np.random.Generator):
        return random_state
    ok = random_state is None or (isinstance(random_state, (int, np.integer))
                                  and not isinstance(random_state, (bool, np.bool_))
                                  and random_state >= 0)
    if not ok:
        raise ParameterError(
            f"The 'random_state' parameter of {func} must be an int in [0, inf), a "
            f"numpy.random.Generator or None. Got {random_state!r} instead.")
    return np.random.default_rng(random_state)
