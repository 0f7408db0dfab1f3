"""Risk-set (sequential) matching for cohorts where only participants have an index date.

The design of the Nuffield Trust's POPP evaluation: each participant enrolled in period
``p`` (a calendar month by default) is compared with people who, at the start of ``p``,
were alive, registered, not enrolled, and not already used as a control. Their
covariates are taken as they were then: prior use is counted over the months before the
start of ``p`` (participants: before their own index date). Matching runs within each
period, so participant and control are followed over the same calendar months; the
matched control inherits the participant's index date as a pseudo index date, so the same
panel and difference-in-differences code serves both.

Candidates are built one period at a time: a pool of a million people over 24 months is
never held as 24 million rows at once.
"""

from __future__ import annotations

import warnings

import numpy as np
import pandas as pd
from tqdm.auto import tqdm

from .._shared import run_meta
from .._shared.calls import checked_call
from ..cohort import SortedEvents
from ..exceptions import (
    DataWarning,
    EvaltoolsWarning,
    ExclusionWarning,
    SchemaError,
)
from ..validation import (
    check_columns,
    check_finite,
    check_frame,
    check_no_missing,
    check_treatment,
    check_unique,
    examples,
)
from .api import match
from .checks import check_names, check_ratio_size
from .covariates import _DefaultName
from .results import MatchResult
from .riskset_checks import (
    check_column_names,
    check_observed_at_index,
    check_prior_measures,
    check_risk_set_options,
    check_roles,
    warn_after_events,
)

__all__ = ["match_risk_set"]

DEATH, END = _DefaultName("death_date"), _DefaultName("end_date")  # used when present


@checked_call
def match_risk_set(persons: pd.DataFrame, events: pd.DataFrame, *, covariates: list[str],
                   prior_measures: dict | None = None, prior_months: int | list[int] = 12,
                   treatment: str = "treated", id_col: str = "person_id",
                   index_col: str = "index_date", event_date_col: str = "event_date",
                   death_col: str | None = DEATH, end_col: str | None = END,
                   exact: list[str] | None = None, distance: str = "ps",
                   caliper: float | None = 0.2, ratio: int = 1, replace: bool = False,
                   order: str = "largest", max_before_rows: int = 200_000,
                   random_state: int | None = None, progress: bool = True) -> MatchResult:
    """Match participants to controls offered at each participant's enrolment month.

    Parameters
    ----------
    persons : DataFrame
        Participants (``treatment`` 1, with ``index_col``) and the pool (``treatment`` 0).
    events : DataFrame
        Hospital events, for prior-use covariates.
    covariates : list of str
        Person-level covariates (age, sex, deprivation, diagnoses, risk score...).
    prior_measures : dict of {name: Measure}
        Prior use over ``prior_months`` months, added as ``prior_<name>`` covariates
        (default: emergency and elective admissions, outpatient attendances, A&E visits,
        bed days). Several windows, e.g. ``prior_months=[3, 12]``, add
        ``prior3_<name>`` and ``prior12_<name>``: recent use matters most when services
        pick people at a peak.
    exact, distance, caliper, ratio, replace, order
        As in :func:`evaltools.match`, applied within each enrolment month. The propensity
        model is fitted within each month; the caliper is in SDs of that month's distance.
    prior_months : int or list of int
        Look-back window(s) in months, 1 to 1200, distinct.
    death_col, end_col : str or None
        Dates after which a person cannot be offered as a control. The defaults are used
        when the columns exist; a name given explicitly must exist.
    max_before_rows : int
        Cap on the unmatched candidate rows kept (a random sample, spread over the months)
        for the "before" balance; memory stays bounded however large the pool.

    Returns
    -------
    MatchResult
        ``matched_data`` has one row per matched participant and control with
        ``match_id`` (unique), ``period``, the (pseudo) ``index_col``, the prior-use
        covariates, ``weights`` and ``subclass``; a control matched twice (with
        replacement) has two rows.

    Examples
    --------
    >>> import evaltools as et
    >>> persons, events = et.datasets.popp_synthetic(n_participants=60, n_pool=2000, random_state=1)
    >>> m = et.matching.match_risk_set(persons, events, covariates=["age", "risk_score"],
    ...                                progress=False, random_state=0)
    >>> int(m.summary().loc["Matched", "Treated"]) > 0
    True
    """
    windows = check_risk_set_options(order, distance, caliper, ratio, replace, progress,
                                      prior_months, max_before_rows, random_state)
    check_column_names(treatment=treatment, id_col=id_col, index_col=index_col,
                        event_date_col=event_date_col, death_col=death_col, end_col=end_col)
    covariates = check_names(covariates, "covariates", "match_risk_set")
    exact = check_names(exact, "exact", "match_risk_set") or None
    measures = check_prior_measures(prior_measures)
    check_frame(events, "events", allow_empty=True)
    if not len(events):
        warnings.warn("The events table of match_risk_set has no rows: every prior-use "
                      "covariate is zero, so matching uses the person-level covariates alone.",
                      DataWarning, stacklevel=2)
    explicit = [c for c in (death_col, end_col) if c is not None
                and not isinstance(c, _DefaultName)]
    check_columns(persons, [id_col, treatment, index_col, *covariates, *(exact or []),
                            *explicit], "persons")
    check_no_missing(persons, [id_col], "persons")
    check_unique(persons, id_col, "persons")
    check_roles(persons, covariates, treatment, index_col, _prior_names(measures, windows))
    # Checked for everyone up front: a control's inf would otherwise surface only in the
    # month it is offered, or never.
    numeric = [c for c in covariates if pd.api.types.is_numeric_dtype(persons[c])]
    check_finite(persons, numeric, "persons", id_col=id_col)
    check_no_missing(persons, [c for c in covariates if c not in numeric], "persons",
                     id_col=id_col)
    persons = persons.assign(**{treatment: check_treatment(persons, treatment, "persons")})
    check_ratio_size(ratio, int((persons[treatment] == 0).sum()), "match_risk_set")
    index = _days(persons, index_col)
    treated = persons[treatment].to_numpy() == 1
    if np.isnat(index[treated]).any():
        raise SchemaError(f"{int(np.isnat(index[treated]).sum())} participant(s) have no "
                          f"'{index_col}'. Fix: give every participant an enrolment date.")
    ends = _observation_ends(persons, id_col, death_col, end_col)
    check_observed_at_index(persons, treated, index, ends, id_col, index_col)
    sorted_events = SortedEvents(events, measures, id_col=id_col, event_date_col=event_date_col)
    warn_after_events(persons, index, treated, events[event_date_col], index_col, id_col)
    period = index.astype("M8[M]")
    rng = np.random.default_rng(random_state)
    used = np.zeros(len(persons), bool)
    parts, before, flow, offset = [], [], [], 0
    months = np.unique(period[treated])
    per_period = max_before_rows // len(months)
    empty = []
    for p in tqdm(months, desc="risk sets", disable=not progress):
        start = p.astype("M8[D]")
        offered = ~treated & ~used & (ends >= start)
        if not offered.any():  # nobody left to offer: the month's participants go unmatched
            empty.append((str(p), int((treated & (period == p)).sum())))
            flow.append({"period": str(p), "participants": empty[-1][1], "controls offered": 0,
                         "participants matched": 0, "controls matched": 0,
                         "covariates left out (constant)": "no control offered"})
            continue
        rows = _candidates(persons, treated & (period == p), offered, index, start,
                           sorted_events, windows, id_col, index_col)
        rows["period"] = str(p)
        rows["match_id"] = offset + np.arange(len(rows))
        offset += len(rows)
        # A covariate with one value among this month's candidates (e.g. no elective
        # admissions in a small area) cannot enter the month's model: leave it out there.
        model_covariates = [c for c in covariates + _prior_names(measures, windows)
                            if rows[c].nunique(dropna=False) > 1]
        # A month may offer fewer controls than ``ratio``: each participant can get at most
        # all of them, so asking for that many matches the same and is not refused.
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", EvaltoolsWarning)
            m = match(rows, treatment, model_covariates, exact=exact, distance=distance,
                      caliper=caliper, ratio=min(ratio, int(offered.sum())),
                      replace=replace, order=order, random_state=rng.integers(2**31))
        parts.append(_matched_rows(m, rows, p, treatment, index_col))
        before.append(_keep_for_balance(rows, parts[-1], treatment, per_period, rng))
        flow.append(_period_flow(m, p, int(offered.sum())))
        left_out = [c for c in covariates + _prior_names(measures, windows)
                    if c not in model_covariates]
        left_out += list(m.meta["options"].get("dropped_covariates") or {})
        flow[-1]["covariates left out (constant)"] = ", ".join(left_out)
        if not replace:
            used[rows.loc[m.pairs.control_id, "_row"].to_numpy()] = True
    _warn_empty_months(empty, len(months))
    options = dict(exact=exact, distance=distance, caliper=caliper, ratio=ratio,
                   replace=replace, order=order, prior_months=prior_months,
                   method="risk-set nearest")
    return _combine(parts, before, flow, (treatment, id_col, index_col),
                    covariates + _prior_names(measures, windows), options, random_state)


def _days(persons, column):
    """A date column as datetime64[D]; text or numbers are refused (parse them first)."""
    raw = persons[column]
    if not pd.api.types.is_datetime64_any_dtype(raw):
        raise SchemaError(f"Column '{column}' of the persons table must hold dates; it is "
                          f"{raw.dtype}, e.g. {examples(raw.dropna()[:5])}. Fix: parse it with "
                          f"pd.to_datetime(persons['{column}'], format=...) first.")
    if getattr(raw.dt, "tz", None) is not None:
        raw = raw.dt.tz_localize(None)  # the wall-clock date where it happened
    return raw.to_numpy().astype("M8[D]")


def _warn_empty_months(empty, n_months):
    """No control could be offered in some enrolment months: counted, and said."""
    if not empty:
        return
    shown = ", ".join(f"{p} ({n} participant(s))" for p, n in empty[:6])
    more = f" and {len(empty) - 6} more" if len(empty) > 6 else ""
    if len(empty) == n_months:
        raise SchemaError(f"No control was available in any enrolment month ({shown}{more}): "
                          "the pool is empty, or everyone in it died or left before. Fix: "
                          "check the treatment column and the pool's death/end dates.")
    warnings.warn(f"No control was available in {len(empty)} enrolment month(s): {shown}{more}"
                  f". Their {sum(n for _, n in empty)} participant(s) are unmatched; the flow "
                  "counts them (flow_by_period marks the months). Fix: widen the pool or allow "
                  "replace=True.", ExclusionWarning, stacklevel=3)


def _prior_names(measures, windows):
    """``prior_<measure>`` for one look-back window, ``prior<months>_<measure>`` for several."""
    if len(windows) == 1:
        return [f"prior_{k}" for k in measures]
    return [f"prior{m}_{k}" for m in windows for k in measures]


def _observation_ends(persons, id_col, death_col, end_col):
    """Last day each person is observed (alive and registered); far future if unknown."""
    ends = np.full(len(persons), np.datetime64("9999-12-31", "D"))
    for col in (death_col, end_col):
        if col and col in persons.columns:
            d = _days(persons, col)
            ends = np.where(np.isnat(d), ends, np.minimum(ends, d))
    return ends


def _candidates(persons, participants, offered, index, start, sorted_events, windows, id_col,
                index_col):
    """This period's rows: its participants (own index date) and offered controls (the
    period's first day), with prior use as of those dates."""
    pick = np.flatnonzero(participants | offered)
    rows = persons.iloc[pick].copy()
    rows["_row"] = pick
    rows[index_col] = np.where(participants[pick], index[pick], start).astype("M8[us]")
    priors = []
    for months in windows:
        prior = sorted_events.prior(rows[id_col].to_numpy(), rows[index_col].to_numpy(), months)
        if len(windows) > 1:
            prior.columns = [c.replace("prior_", f"prior{months}_", 1) for c in prior.columns]
        prior.index = rows.index
        priors.append(prior)
    return pd.concat([rows, *priors], axis=1).reset_index(drop=True)


def _matched_rows(m, rows, period, treatment, index_col):
    """match_id, pseudo index date, weight and subclass of this period's matched rows."""
    md = m.matched_data
    # Controls take the index date of the (first) participant they stand in for.
    first_treated = m.pairs.drop_duplicates("control_id").set_index("control_id")["treated_id"]
    is_control = (md[treatment] == 0).to_numpy()
    index = rows.loc[md.index, index_col].to_numpy().copy()
    index[is_control] = rows.loc[first_treated[md.index[is_control]].to_numpy(),
                                 index_col].to_numpy()
    return pd.DataFrame({"match_id": md["match_id"].to_numpy(), "pseudo_index": index,
                         "weights": md["weights"].to_numpy(),
                         "subclass": (f"{period}:" + md["subclass"].astype("Int64")
                                      .astype(str)).where(md["subclass"].notna()).to_numpy()})


def _keep_for_balance(rows, matched, treatment, cap, rng):
    """Participants, matched controls and a random sample of ``cap`` other candidates:
    enough for the "before" balance without holding every month's pool."""
    keep = (rows[treatment] == 1) | rows["match_id"].isin(matched["match_id"])
    others = np.flatnonzero(~keep.to_numpy())
    sample = rng.choice(others, min(cap, len(others)), replace=False)
    return rows.iloc[np.sort(np.r_[np.flatnonzero(keep.to_numpy()), sample])]


def _period_flow(m, period, offered):
    f = m.flow.set_index("step")["n"]
    return {"period": str(period), "participants": int(f["treated supplied"]),
            "controls offered": offered, "participants matched": int(f["treated matched"]),
            "controls matched": int(f["controls matched (distinct)"])}


def _combine(parts, before, flow, keys, covariates, options, random_state):
    treatment, id_col, index_col = keys
    matched = pd.concat(parts, ignore_index=True).set_index("match_id")
    data = pd.concat(before, ignore_index=True)
    is_matched = data["match_id"].isin(matched.index).to_numpy()
    ids = data.loc[is_matched, "match_id"]
    data.loc[is_matched, index_col] = matched.loc[ids, "pseudo_index"].to_numpy()
    weights = np.zeros(len(data))
    weights[is_matched] = matched.loc[ids, "weights"].to_numpy()
    subclass = pd.Series(None, index=data.index, dtype=object)
    subclass[is_matched] = matched.loc[ids, "subclass"].to_numpy()
    by_period = pd.DataFrame(flow)
    totals = by_period.drop(columns=["period", "covariates left out (constant)"]).sum()
    flow_df = pd.DataFrame({"step": [
        "participants supplied", "participants matched", "participants unmatched",
        "control offers (control x period)", "controls matched"],
        "n": [int(totals["participants"]), int(totals["participants matched"]),
              int(totals["participants"] - totals["participants matched"]),
              int(totals["controls offered"]), int(totals["controls matched"])]})
    pairs = data.loc[is_matched, ["match_id", id_col, treatment, "period"]].assign(
        subclass=subclass[is_matched].to_numpy())
    return MatchResult(data=data, treatment=treatment, covariates=covariates,
                       weights=pd.Series(weights, index=data.index), subclass=subclass,
                       pairs=pairs.reset_index(drop=True), distance_=None, flow=flow_df,
                       estimand="ATT", flow_by_period=by_period,
                       meta=run_meta(options, random_state=random_state, flow=flow_df))
