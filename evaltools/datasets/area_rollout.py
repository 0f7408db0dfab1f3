"""An area-by-year panel of a programme rolled out in waves (staggered adoption).

The generating process: ``n_areas`` local areas observed every year from 2004 to 2013.
Each area's population aged 65+ is drawn once (20,000 to 80,000) and grows 1.5% a year.
Emergency bed days per 1,000 people aged 65+ follow

    rate[a, t] = area_level[a] + year_level[t] + effect[a, t] + noise,

with ``area_level`` normal around 2,000 (areas that adopt earlier have higher levels, as
programmes go first where use is highest), ``year_level`` a secular rise of 25 a year with
a dip in 2009, and noise normal with SD 40. Bed days are the rate times the population
over 1,000, rounded. Areas adopt in waves (``cohorts``: first year of the programme, 0 =
never); the programme's effect starts in the adoption year and grows with time since
adoption: ``effect = effect_per_year * (years since adoption + 1)``, twice as strong in the
first wave. Effects that grow over time and differ by wave are exactly when two-way fixed
effects regressions mislead (Goodman-Bacon 2021) and Callaway & Sant'Anna's group-time
estimates do not.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from .._shared.calls import checked_call
from ..exceptions import ParameterError
from ..validation import check_number, check_random_state

__all__ = ["area_rollout"]

YEARS = np.arange(2004, 2014)


def _check_cohorts(cohorts) -> dict[int, float]:
    """Adoption years inside the panel (after its first year) with shares summing to <= 1."""
    def year_ok(y):
        return (isinstance(y, (int, np.integer)) and not isinstance(y, bool)
                and YEARS[0] < y <= YEARS[-1])

    def share_ok(v):
        return (isinstance(v, (int, float, np.number)) and not isinstance(v, bool)
                and np.isfinite(v) and v >= 0)

    ok = (isinstance(cohorts, dict) and all(year_ok(y) for y in cohorts)
          and all(share_ok(v) for v in cohorts.values()) and 0 < sum(cohorts.values()) <= 1)
    if not ok:
        raise ParameterError(
            f"The 'cohorts' parameter of area_rollout must be a dict of {{first year: share}} "
            f"with int years in [{YEARS[0] + 1}, {YEARS[-1]}] (the panel runs {YEARS[0]}-"
            f"{YEARS[-1]}; a first year is needed before adoption) and shares >= 0 that sum "
            f"to at most 1 (and above 0: some area must adopt). Got {cohorts!r} instead.")
    return cohorts


@checked_call
def area_rollout(n_areas: int = 150, *, cohorts: dict[int, float] | None = None,
                 effect_per_year: float = -20.0,
                 random_state: int | np.random.Generator | None = 0
                 ) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Synthetic area-by-year panel of emergency bed days with staggered adoption.

    Parameters
    ----------
    n_areas : int
        Number of areas.
    cohorts : dict of {first year: share of areas}, optional
        Adoption waves; the remaining share never adopts. Default
        ``{2007: 0.2, 2009: 0.25, 2011: 0.25}`` (30% never adopt).
    effect_per_year : float
        Change in bed days per 1,000 people aged 65+ for each year of exposure (negative is
        a fall); doubled in the first wave. ``0`` means no effect.
    random_state : int, numpy Generator or None
        The only source of randomness: the same arguments give the same panel (None draws
        fresh entropy and is not reproducible).

    Returns
    -------
    panel : DataFrame
        ``area``, ``year``, ``first_year`` (0 = never), ``treated`` (1 from the adoption
        year on), ``population_65``, ``bed_days``, ``rate_per_1000``.
    truth : DataFrame
        The true average effect on ``rate_per_1000`` for each ``first_year`` and ``year``.

    Examples
    --------
    >>> import evaltools as et
    >>> panel, truth = et.datasets.area_rollout(n_areas=40, random_state=1)
    >>> panel.shape
    (400, 7)
    """
    # 10 rows per area: a million areas (10 million rows) is far beyond any real country.
    check_number(n_areas, "n_areas", "area_rollout", low=2, high=1_000_000, integer=True)
    check_number(effect_per_year, "effect_per_year", "area_rollout", low=-1e6, high=1e6)
    cohorts = _check_cohorts({2007: 0.2, 2009: 0.25, 2011: 0.25} if cohorts is None
                             else cohorts)
    rng = np.random.default_rng(check_random_state(random_state, "area_rollout"))
    counts = np.floor(np.array(list(cohorts.values())) * n_areas).astype(int)
    first_year = np.r_[np.repeat(list(cohorts), counts), np.zeros(n_areas - counts.sum(), int)]
    first_year = rng.permutation(first_year)

    # Earlier adopters have higher use: their level is raised by up to 150.
    head_start = np.where(first_year > 0, (2013 - first_year) * 25, 0)
    area_level = rng.normal(2000, 150, n_areas) + head_start
    year_level = 25 * (YEARS - YEARS[0]) - 40 * (YEARS == 2009)
    population = rng.integers(20_000, 80_000, n_areas)

    area, year = np.repeat(np.arange(n_areas), len(YEARS)), np.tile(YEARS, n_areas)
    g = first_year[area]
    exposed = (g > 0) & (year >= g)
    strength = np.where(g == min(cohorts, default=0), 2.0, 1.0)
    effect = np.where(exposed, effect_per_year * strength * (year - g + 1), 0.0)
    rate = area_level[area] + year_level[year - YEARS[0]] + effect + rng.normal(0, 40, len(area))
    pop = np.round(population[area] * 1.015 ** (year - YEARS[0])).astype(np.int64)
    bed_days = np.round(rate * pop / 1000).astype(np.int64)
    panel = pd.DataFrame({
        "area": np.char.add("A", np.char.zfill((area + 1).astype(str), 3)),
        "year": year, "first_year": g, "treated": exposed.astype(np.int64),
        "population_65": pop, "bed_days": bed_days,
        "rate_per_1000": (1000 * bed_days / pop).round(3),
    })
    truth = (pd.DataFrame({"first_year": g, "year": year, "att": effect})[exposed]
             .groupby(["first_year", "year"], as_index=False)["att"].mean())
    return panel, truth
