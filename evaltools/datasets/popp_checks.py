"""Measured properties of the synthetic POPP cohort, against published figures for England.

``benchmarks/synthetic_properties.py`` prints them; ``tests/datasets/test_popp_properties.py``
asserts them with stated tolerances. Each function takes the ``persons`` and ``events``
tables of :func:`evaltools.datasets.popp_synthetic` (or of a matched sample built from
them) and works on emergency admissions, the measure selection acts on.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

__all__ = ["autocorrelation", "fall_after_enrolment", "match_on_recent_use", "matched_gaps",
           "monthly_rates", "population_year"]

YEAR = pd.Timedelta(days=365)


def _emergency(events: pd.DataFrame) -> pd.DataFrame:
    return events[(events.setting == "inpatient") & (events.method == "emergency")]


def _rel_month(days: np.ndarray) -> np.ndarray:
    # Months of 365.25 / 12 days either side of the index date: -1 is the month before it.
    return np.floor(days / (365.25 / 12)).astype(int)


def monthly_rates(persons: pd.DataFrame, events: pd.DataFrame, months: tuple[int, int] = (-24, 12),
                  key: str = "person_id", width: int = 1) -> pd.DataFrame:
    """Emergency admissions per person-month alive and registered, by month from the index date.

    ``persons`` needs ``key``, ``person_id``, ``index_date``, ``death_date`` and
    ``end_date``; one row per ``key`` (a matched control appears once per match, with its
    participant's index date). Returns one row per month with ``admissions``,
    ``person_months``, ``rate`` and ``se`` (the standard error of the rate from the spread of
    the persons' counts in that month); ``width=3`` gives quarters (labelled by their first
    month) instead.

    >>> import evaltools as et
    >>> p, e = et.datasets.popp_synthetic(n_participants=50, n_pool=0, random_state=1)
    >>> int(monthly_rates(p[p.treated == 1], e).index[0])
    -24
    """
    first, last = months
    people = persons[list(dict.fromkeys([key, "person_id", "index_date", "death_date",
                                         "end_date"]))]
    people = people[people.index_date.notna()].reset_index(drop=True)
    never = pd.Timestamp("2200-01-01").as_unit("us")  # neither died nor left
    stop = people[["death_date", "end_date"]].min(axis=1).fillna(never)
    grid = np.arange(first, last, width)
    step = 365.25 / 12
    offsets = pd.to_timedelta(grid * step, unit="D").to_numpy()
    starts = people.index_date.to_numpy()[:, None] + offsets
    ends = starts + pd.Timedelta(days=step * width)
    observed = np.clip((np.minimum(ends, stop.to_numpy()[:, None]) - starts)
                       / pd.Timedelta(days=step * width), 0, 1)
    ev = _emergency(events).merge(people[list(dict.fromkeys([key, "person_id", "index_date"]))],
                                  on="person_id")
    month = _rel_month((ev.event_date - ev.index_date).dt.days.to_numpy())
    inside = (month >= first) & (month < grid[-1] + width)
    row = pd.Series(np.arange(len(people)), index=people[key])
    counts = np.zeros((len(people), len(grid)))
    np.add.at(counts, (row.loc[ev[key][inside]].to_numpy(), (month[inside] - first) // width), 1)
    observed *= width  # person-months
    person_months = observed.sum(0)
    rate = counts.sum(0) / person_months
    # Ratio estimator's standard error: residuals of counts around rate x time observed.
    resid = counts - rate * observed
    se = np.sqrt((resid**2).sum(0)) / person_months
    return pd.DataFrame({"admissions": counts.sum(0), "person_months": person_months,
                         "rate": rate, "se": se}, index=pd.Index(grid, name="month"))



def fall_after_enrolment(rates: pd.DataFrame) -> float:
    """Relative fall from the 12 months before the index date to the 12 months after."""
    before = rates.loc[-12:-1]
    after = rates.loc[0:11]
    return 1 - (after.admissions.sum() / after.person_months.sum()) / (
        before.admissions.sum() / before.person_months.sum())


def population_year(persons: pd.DataFrame, events: pd.DataFrame,
                    start: str = "2005-04-01") -> dict[str, float]:
    """Deaths and emergency admissions over one year among people alive and registered at its start.

    Returns the annual mortality, admissions per person, the shares with 0, 1, 2 and 3+
    admissions, the share of the year's admissions made by people with two or more, and
    the share of the next year's admissions made by those same people (Roland et al.
    2005's measure; people who die count with the admissions they had).
    """
    begin = pd.Timestamp(start)
    alive = persons[(persons.death_date.isna() | (persons.death_date >= begin))
                    & (persons.end_date.isna() | (persons.end_date >= begin))]
    em = _emergency(events)
    em = em[em.person_id.isin(alive.person_id)]

    def counts(lo):
        part = em[(em.event_date >= lo) & (em.event_date < lo + YEAR)]
        return part.groupby("person_id").size().reindex(alive.person_id, fill_value=0)

    year, following = counts(begin), counts(begin + YEAR)
    frequent = (year >= 2).to_numpy()
    return {
        "mortality": float(alive.death_date.between(begin, begin + YEAR, inclusive="left").mean()),
        "admissions_per_person": float(year.mean()),
        **{f"share_{k}": float((year == k).mean()) for k in (0, 1, 2)},
        "share_3_plus": float((year >= 3).mean()),
        "frequent_share_of_admissions": float(year[frequent].sum() / year.sum()),
        "frequent_share_next_year": float(following[frequent].sum() / following.sum()),
    }


def autocorrelation(persons: pd.DataFrame, events: pd.DataFrame,
                    lags: tuple[int, ...] = (1, 2, 3, 6, 12, 24)) -> pd.Series:
    """Autocorrelation of people's monthly emergency-admission counts over the five years.

    People alive and registered throughout; counts centred on the overall mean, so a
    persistent difference between people shows as a floor and changing health as decay.
    """
    stay = persons[persons.death_date.isna() & persons.end_date.isna()].person_id
    em = _emergency(events)
    em = em[em.person_id.isin(stay)]
    month = (em.event_date.dt.year - 2004) * 12 + em.event_date.dt.month - 4
    table = pd.crosstab(em.person_id, month).reindex(index=stay, columns=range(60),
                                                     fill_value=0)
    x = table.to_numpy(float)
    x = x - x.mean()
    out = {k: float((x[:, :-k] * x[:, k:]).sum()
                    / np.sqrt((x[:, :-k] ** 2).sum() * (x[:, k:] ** 2).sum())) for k in lags}
    return pd.Series(out, name="autocorrelation").rename_axis("lag")


def match_on_recent_use(persons: pd.DataFrame, events: pd.DataFrame, random_state: int = 2011):
    """Risk-set matching as the POPP template does by default: Mahalanobis distance on the
    covariates and on emergency admissions in the last 1, 3, 6 and 12 months."""
    from ..cohort import STANDARD_MEASURES
    from ..matching import match_risk_set

    covariates = ["age", "sex", "imd_quintile", "diag_chf", "diag_copd", "diag_diabetes",
                  "diag_dementia", "diag_cancer", "risk_score"]
    prior = {"emergency_admissions": STANDARD_MEASURES["emergency_admissions"]}
    return match_risk_set(persons, events, covariates=covariates, prior_measures=prior,
                          prior_months=[1, 3, 6, 12], distance="mahalanobis", caliper=None,
                          random_state=random_state, progress=False)


def matched_gaps(participants: pd.DataFrame, controls: pd.DataFrame) -> pd.DataFrame:
    """Participants' minus controls' rates (from :func:`monthly_rates`), with SE and z."""
    out = pd.DataFrame({"participants": participants.rate, "controls": controls.rate})
    out["gap"] = out.participants - out.controls
    out["se"] = np.hypot(participants.se, controls.se)
    out["z"] = out.gap / out.se
    return out
