"""A HES-like synthetic cohort in the POPP mould, with regression to the mean built in.

The generating process, month by month over five years (April 2004 to March 2009):

1. **People.** An intervention-area population (``n_participants / selection_share``
   people in eight areas) and a pool of possible controls (``n_pool`` people in forty
   other areas), all aged 65 or more, with sex, deprivation quintile and five diagnosis
   flags. The pool is a little younger and less deprived, so a raw comparison is biased
   and matching has work to do.
2. **Underlying need.** Each person's monthly emergency-admission rate is
   ``base x frailty x exp(u_t) x ageing_t x (1 + 0.8 e_t)``: ``base`` from age, sex,
   deprivation and diagnoses; ``frailty`` a persistent gamma-distributed factor; ``u_t``
   a latent health state that worsens and recovers over months (AR(1), monthly persistence
   0.9, stationary SD 0.75); ``ageing_t`` a 3% rise a year; ``e_t`` the person's recent
   emergency admissions, each counting 1 in the month after it and half as much each month
   after that (acute episodes cluster: an admission raises the risk of another for some
   weeks). A&E visits follow the same rate; elective admissions and outpatient attendances
   depend on diagnoses and drift more weakly.
3. **Events.** Monthly counts are Poisson given the rates and the share of the month
   the person was alive and registered; each event gets a day drawn uniformly from the
   observed days. Emergency stays last ``1 + negative binomial`` days (longer with age
   and dementia); elective stays are day cases about half the time. Costs are a tariff
   by setting plus a per-bed-day cost.
4. **Deaths and moves.** Monthly death hazards rise with age, diagnoses, the latent
   state and recent admissions; about 1.8% a year leave registration.
5. **Selection into the service.** From April 2006 for 24 months, services enrol
   ``n_participants`` people from the intervention areas, spread over the months. At the
   start of each month a case-finding list ranks the living, registered, not-yet-enrolled
   residents whose predicted risk is at least ``threshold`` (``risk_score``: a PARR-like
   risk of emergency admission computed on 1 April 2006 from age, diagnoses and the
   previous year's admissions, with noise), drawing people with probability proportional
   to ``exp(2 recent + 4 risk_score)``. ``recent`` weighs each emergency admission of
   the last ``lookback`` months by how recent it is (last month 1, halving every three
   months), so one from the far end of the look-back counts for little and the edge of
   the look-back leaves no step in participants' history. People are enrolled within seven
   days of the list. So participants are picked near a peak of need that would have
   passed anyway: their admissions rise over the months before enrolment and fall after
   it with no help at all.
6. **Effect.** After enrolment, participants' emergency-admission and A&E rates are
   multiplied by ``1 + effect`` (default ``effect=0``: the service does nothing). In the
   enrolment month the multiplier is pro-rated by the share of the month after the index
   date.

The measured properties (the fall after enrolment, the shape of participants' monthly
admissions, autocorrelation, mortality and the spread of admissions in the population,
and overlap with matched controls) are printed by ``benchmarks/synthetic_properties.py``
and checked in ``tests/datasets/test_popp_properties.py``.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from .._shared.calls import checked_call
from ..cohort.periods import add_months
from ..exceptions import ParameterError
from ..validation import check_number, check_random_state

__all__ = ["popp_synthetic"]

DATA_START = np.datetime64("2004-04-01", "D")
N_MONTHS = 60
ENROL_START_MONTH = 24  # April 2006
ENROL_MONTHS = 24
# Latent health state: AR(1) with monthly persistence STATE_PHI and stationary SD STATE_SD.
STATE_PHI, STATE_SD = 0.9, 0.75
# An emergency admission multiplies the rate by 1 + EXCITATION, decaying by
# EXCITATION_DECAY a month (acute episodes cluster).
EXCITATION, EXCITATION_DECAY = 0.8, 0.5
RECENCY_HALF_LIFE = 3.0
# Services enrol the people on the month's case-finding list within ENROL_DELAY days.
ENROL_DELAY = 7
# Other-area residents simulated per pool place: the pool is those who meet the threshold.
POOL_DRAWN = 2
DIAGNOSES = ("diag_chf", "diag_copd", "diag_diabetes", "diag_dementia", "diag_cancer")


@checked_call
def popp_synthetic(n_participants: int = 1500, n_pool: int = 30000, effect: float = 0.0, *,
                   random_state: int | np.random.Generator | None = 0,
                   selection_share: float = 0.05, lookback: int = 12,
                   threshold: float = 0.1) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Synthetic POPP-style persons and hospital events (see the module docstring).

    Parameters
    ----------
    n_participants : int
        People enrolled in the intervention areas.
    n_pool : int
        People in the pool of possible controls: residents of other areas whose predicted
        risk meets ``threshold`` (as an evaluator would draw them), sampled from
        ``2 * n_pool`` simulated residents (fewer if not enough meet it).
    effect : float
        Proportional change in participants' emergency admissions and A&E visits after
        enrolment: ``-0.2`` is a 20% fall; ``0`` (default) is no effect. Must be > -1.
    random_state : int, numpy Generator or None
        The only source of randomness: the same arguments give the same tables (None
        draws fresh entropy and is not reproducible).
    selection_share : float
        Share of the intervention-area population that is enrolled; smaller values
        select harder on recent use, so regression to the mean is stronger.
    lookback : int
        Months of emergency admissions the services' case finding looks back over (1-36;
        default 12), each weighted by how recent it is.
    threshold : float
        Lowest predicted risk (``risk_score``, 0 to 1) at which the services, and the
        pool, take people; ``0`` takes everyone, so the pool is a random sample of the
        other areas' population aged 65+.

    Returns
    -------
    persons, events : DataFrame
        The data model's persons and events tables; columns are described in
        ``data_samples/README.md``.

    Examples
    --------
    >>> import evaltools as et
    >>> persons, events = et.datasets.popp_synthetic(n_participants=50, n_pool=500, random_state=1)
    >>> int(persons.treated.sum())
    50
    >>> sorted(events.setting.unique())
    ['ae', 'inpatient', 'outpatient']
    """
    check_number(n_participants, "n_participants", "popp_synthetic", low=1, integer=True)
    check_number(n_pool, "n_pool", "popp_synthetic", low=0, integer=True)
    # An effect above +10 (an elevenfold rise) is no plausible programme effect, and
    # infinite rates cannot be drawn.
    check_number(effect, "effect", "popp_synthetic", low=-1, high=10, closed="right")
    check_number(selection_share, "selection_share", "popp_synthetic", low=0, high=0.5,
                 closed="right")
    check_number(lookback, "lookback", "popp_synthetic", low=1, high=36, closed="both",
                 integer=True)
    check_number(threshold, "threshold", "popp_synthetic", low=0, high=1, closed="left")
    rng = np.random.default_rng(check_random_state(random_state, "popp_synthetic"))
    n_area = int(np.ceil(n_participants / selection_share))
    _check_size(n_area + POOL_DRAWN * n_pool)
    people = _people(rng, n_area, POOL_DRAWN * n_pool)
    records, status = _simulate(rng, people, n_participants, effect, lookback, threshold)
    # Output: participants and the pool; other intervention-area residents are not
    # possible controls (same areas) and are left out, as are other-area residents below
    # the services' risk threshold. Ids are shuffled.
    pool = np.flatnonzero(~people["in_area"] & (status["risk"] >= threshold))
    pool = np.sort(rng.permutation(pool)[:n_pool])
    keep = np.r_[np.flatnonzero(status["index_day"] >= 0), pool]
    person_id = np.full(len(people["age"]), -1, dtype=np.int64)
    person_id[keep] = rng.permutation(len(keep)) + 100001
    persons = _persons_table(rng, people, status, keep, person_id)
    events = _events_table(rng, people, records, person_id)
    return persons, events


# The month-by-month simulation holds about 4 KB per simulated person at its peak.
MAX_SIMULATED = 2_000_000


def _check_size(n_people: int) -> None:
    if n_people > MAX_SIMULATED:
        raise ParameterError(
            f"popp_synthetic would simulate {n_people:,} people (n_participants / "
            f"selection_share from the intervention areas plus {POOL_DRAWN} x n_pool), "
            f"needing about "
            f"{n_people * 4e3 / 1e9:,.0f} GB; the limit is {MAX_SIMULATED:,}. Fix: lower "
            "n_participants or n_pool, or raise selection_share.")


def _people(rng, n_area: int, n_pool: int) -> dict[str, np.ndarray]:
    n = n_area + n_pool
    in_area = np.r_[np.ones(n_area, bool), np.zeros(n_pool, bool)]
    age = np.minimum(65 + rng.gamma(2.0, 5.5, n) - 1.0 * ~in_area, 100).clip(65)
    imd = np.where(in_area, rng.choice(5, n, p=[.30, .25, .20, .15, .10]),
                   rng.choice(5, n, p=[.18, .20, .20, .21, .21])) + 1
    female = rng.random(n) < 0.56
    older, deprived = (age - 75) / 10, (3 - imd) / 2
    prevalence = {"diag_chf": (-2.4, .6, .2), "diag_copd": (-2.2, .2, .4),
                  "diag_diabetes": (-1.5, .1, .3), "diag_dementia": (-3.0, 1.0, .1),
                  "diag_cancer": (-2.5, .3, .1)}
    diags = {k: rng.random(n) < _expit(a + b * older + c * deprived)
             for k, (a, b, c) in prevalence.items()}
    log_base = (-4.15 + 0.3 * older - 0.1 * female + 0.08 * (3 - imd)
                + np.dot(np.column_stack([diags[k] for k in DIAGNOSES]),
                         [0.55, 0.5, 0.25, 0.35, 0.4]))
    return dict(in_area=in_area, age=age, imd=imd, female=female, **diags,
                log_base=log_base, frailty=rng.gamma(5.0, 1 / 5, n),
                n_diag=sum(diags.values()).astype(float))


def _simulate(rng, p: dict, n_participants: int, effect: float, lookback: int,
              threshold: float):
    """Month-by-month simulation; returns event-count records and person status."""
    n = len(p["age"])
    u = rng.normal(0, STATE_SD, n)  # latent health state, stationary start
    excite = np.zeros(n)  # recent emergency admissions, decaying over weeks
    alive_until = np.full(n, N_MONTHS * 31)  # day offset of death / leaving, if any
    death_day = np.full(n, -1)
    leave_day = np.full(n, -1)
    index_day = np.full(n, -1)
    span = max(lookback, 12)
    recent = np.zeros((span, n), np.int16)  # emergency admissions of the last `span` months
    risk = np.zeros(n)
    per_month = np.diff(np.linspace(0, n_participants, ENROL_MONTHS + 1).round().astype(int))
    month_starts = add_months(np.full(N_MONTHS + 1, DATA_START), np.arange(N_MONTHS + 1))
    offsets = (month_starts - DATA_START).astype(int)
    # Case finding weighs the latest months most: an admission k months ago counts
    # 2**(-(k-1)/3), so one from the far end of the look-back counts for little and the
    # edge of the look-back leaves no step in participants' history.
    ago = np.arange(span)  # months ago, less one
    weights = np.where(ago < lookback, 0.5 ** (ago / RECENCY_HALF_LIFE), 0.0)
    records = []
    for t in range(N_MONTHS):
        start, dim = offsets[t], offsets[t + 1] - offsets[t]
        active = alive_until > start
        # Slot j of the ring buffer holds the admissions of (t - 1 - j) mod span + 1 months ago.
        weighted_recent = weights[(t - 1 - np.arange(span)) % span] @ recent
        if t == ENROL_START_MONTH:
            last_year = (t - 1 - np.arange(span)) % span < 12
            risk = _risk_score(rng, p, recent[last_year].sum(0))
        age = p["age"] + (t - ENROL_START_MONTH) / 12
        hazard = np.exp(-6.0 + 0.09 * (age - 75) + 0.4 * p["diag_chf"] + 0.35 * p["diag_copd"]
                        + 0.45 * p["diag_cancer"] + 0.4 * p["diag_dementia"] + 0.6 * u
                        ) * (1 + 0.8 * excite)
        dies = active & (rng.random(n) < -np.expm1(-hazard))
        leaves = active & ~dies & (rng.random(n) < 0.0015)
        death_day[dies] = start + rng.integers(0, dim, dies.sum())
        leave_day[leaves] = start + rng.integers(0, dim, leaves.sum())
        alive_until = np.where(dies, death_day + 1, np.where(leaves, leave_day + 1, alive_until))
        observed = np.clip(alive_until - start, 0, dim) * active  # days observed this month
        if ENROL_START_MONTH <= t < ENROL_START_MONTH + ENROL_MONTHS:
            # Enrolled within ENROL_DELAY days of the list, on a day alive and registered.
            pick = _enrol(rng, p, active & (index_day < 0), weighted_recent, risk, threshold,
                          per_month[t - ENROL_START_MONTH])
            days = np.minimum(observed[pick], ENROL_DELAY)
            index_day[pick] = start + np.floor(rng.random(len(pick)) * days)

        after = np.where(index_day >= 0, np.clip(start + dim - index_day, 0, dim) / dim, 0.0)
        multiplier = 1 + effect * after
        need = (np.exp(p["log_base"] + u - STATE_SD**2 / 2 + 0.03 * (age - p["age"]))
                * p["frailty"] * (1 + EXCITATION * excite))
        share = observed / dim
        rates = {
            "emergency": need * share * multiplier,
            "ae": (0.8 * need + 0.01) * share * multiplier,
            "elective": 0.012 * np.exp(0.3 * p["diag_chf"] + 0.3 * p["diag_cancer"]
                                       + 0.2 * p["diag_diabetes"]) * p["frailty"] ** 0.3 * share,
            "outpatient": 0.13 * np.exp(0.25 * p["n_diag"] + 0.3 * u) * share,
        }
        for kind, rate in rates.items():
            counts = rng.poisson(rate)
            who = np.flatnonzero(counts)
            records.append((kind, who, counts[who], start, observed[who]))
            if kind == "emergency":
                recent[t % span] = counts
                excite = EXCITATION_DECAY * excite + counts
        u = STATE_PHI * u + rng.normal(0, STATE_SD * np.sqrt(1 - STATE_PHI**2), n)
    status = dict(death_day=death_day, leave_day=leave_day, index_day=index_day, risk=risk)
    return records, status


def _risk_score(rng, p: dict, recent: np.ndarray) -> np.ndarray:
    """A PARR-like predicted risk of emergency admission in the next year."""
    logit = (-2.3 + 0.35 * (p["age"] - 75) / 10 + 0.35 * p["n_diag"] + 0.7 * np.log1p(recent)
             + rng.normal(0, 0.5, len(recent)))
    return _expit(logit)


def _enrol(rng, p: dict, eligible: np.ndarray, weighted_recent: np.ndarray, risk: np.ndarray,
           threshold: float, k: int) -> np.ndarray:
    """Draw k eligible residents without replacement, weights exp(score) (Gumbel top-k)."""
    candidates = np.flatnonzero(eligible & p["in_area"] & (risk >= threshold))
    score = 2.0 * weighted_recent[candidates] + 4.0 * risk[candidates]
    keys = score + rng.gumbel(size=len(candidates))
    return candidates[np.argsort(-keys, kind="stable")[:k]]


def _persons_table(rng, p: dict, s: dict, keep: np.ndarray, person_id: np.ndarray
                   ) -> pd.DataFrame:
    n_area_areas, n_pool_areas = 8, 40
    area = np.where(p["in_area"],
                    np.char.add("INT", np.char.zfill(rng.integers(1, n_area_areas + 1, len(
                        p["age"])).astype(str), 2)),
                    np.char.add("CMP", np.char.zfill(rng.integers(1, n_pool_areas + 1, len(
                        p["age"])).astype(str), 2)))

    def date(days):
        return np.where(days >= 0, DATA_START + days.astype("m8[D]"), np.datetime64("NaT"))

    persons = pd.DataFrame({
        "person_id": person_id[keep],
        "treated": (s["index_day"][keep] >= 0).astype(np.int64),
        "area": area[keep],
        "intervention_area": p["in_area"][keep].astype(np.int64),
        "index_date": date(s["index_day"][keep]),
        "age": np.floor(p["age"][keep]).astype(np.int64),
        "sex": np.where(p["female"][keep], "F", "M"),
        "imd_quintile": p["imd"][keep].astype(np.int64),
        **{k: p[k][keep].astype(np.int64) for k in DIAGNOSES},
        "risk_score": s["risk"][keep].round(4),
        "death_date": date(s["death_day"][keep]),
        "end_date": date(s["leave_day"][keep]),
    })
    for col in ("index_date", "death_date", "end_date"):
        persons[col] = persons[col].astype("datetime64[us]")
    return persons.sort_values("person_id", ignore_index=True)


def _events_table(rng, p: dict, records: list, person_id: np.ndarray) -> pd.DataFrame:
    frames = []
    for kind, who, counts, start, observed in records:
        keep = person_id[who] >= 0
        who, counts, observed = who[keep], counts[keep], observed[keep]
        row = np.repeat(who, counts)
        day = start + np.floor(rng.random(len(row)) * np.repeat(observed, counts))
        frames.append(pd.DataFrame({"row": row, "day": day.astype(np.int64), "kind": kind}))
    ev = pd.concat(frames, ignore_index=True)

    row, kind = ev["row"].to_numpy(), ev["kind"].to_numpy()
    emergency, elective = kind == "emergency", kind == "elective"
    mean_extra = np.clip(4 + 0.15 * (p["age"][row] - 75) + 3 * p["diag_dementia"][row], 1, None)
    los = np.zeros(len(ev), np.int64)
    los[emergency] = 1 + rng.negative_binomial(1.2, 1.2 / (1.2 + mean_extra[emergency]))
    stays = elective & (rng.random(len(ev)) >= 0.55)  # the rest are day cases
    los[stays] = 1 + rng.poisson(2.5, stays.sum())
    tariff = pd.Series(kind).map({"emergency": 1800.0, "elective": 1200.0,
                                  "outpatient": 130.0, "ae": 160.0}).to_numpy()
    cost = tariff + np.where(emergency, 280.0, np.where(elective, 300.0, 0.0)) * los
    events = pd.DataFrame({
        "person_id": person_id[row],
        "event_date": (DATA_START + ev["day"].to_numpy().astype("m8[D]")).astype("M8[us]"),
        "setting": np.where(emergency | elective, "inpatient", kind),
        "method": pd.Series(np.where(emergency, "emergency", "elective")).where(
            emergency | elective),
        "los": los,
        "cost": cost,
    })
    events = events.sort_values(["person_id", "event_date", "setting"], ignore_index=True,
                                kind="stable")
    # An episode key, as HES extracts have: two same-day attendances are separate events,
    # while a row repeated by an extract error would repeat its key too.
    events.insert(0, "event_id", np.arange(1, len(events) + 1, dtype=np.int64))
    return events


def _expit(x):
    return 1 / (1 + np.exp(-x))


def _logit(q):
    return np.log(q / (1 - q))
