"""``et.match``: one call for nearest, optimal, exact and coarsened exact matching."""

from __future__ import annotations

import warnings

import numpy as np
import pandas as pd

from .._shared import run_meta
from .._shared.calls import checked_call
from ..exceptions import EvaltoolsWarning, ParameterError
from ..validation import check_finite, examples
from . import distance as dist
from .checks import (
    check_match_options,
    check_names,
    check_ratio_size,
    prepare,
    warn_few_controls,
    warn_replaced_columns,
)
from .covariates import TREATED, design, dropped_note, model_design, resolve_treatment
from .nearest import greedy_1d, greedy_multivariate, nearest_with_replacement
from .optimal import optimal_match
from .results import MatchResult, pair_weights, subclass_weights
from .subclass import coarsen, exact_subclasses

__all__ = ["match"]


@checked_call
def match(data: pd.DataFrame, treatment: str = TREATED, covariates: list[str] | str | None = None,
          *, method: str = "nearest", distance: str = "ps", exact: list[str] | None = None,
          caliper: float | None = None, ratio: int = 1, replace: bool = False,
          order: str = "largest", estimand: str = "ATT", random_state: int | None = None,
          mahvars: list[str] | None = None, outcome: str | None = None,
          cutpoints: dict | None = None, missing: str = "error") -> MatchResult:
    """Match treated units to controls.

    Conventions follow R's MatchIt (4.x) where it has the same option: the propensity
    score is an unpenalised logistic regression (``distance="ps"``, probability scale;
    ``"logit_ps"`` for the linear predictor); greedy matching takes treated units in
    descending score (``order="largest"``) in rounds of one match each; the caliper is in
    standard deviations of the distance over all units; with replacement, units are taken
    in data order; weights are MatchIt's (controls scaled to sum to the number used).
    Arguments stand for MatchIt's: ``covariates`` its ``formula``, ``order`` its
    ``m.order``, ``exact``/``mahvars``/``caliper``/``ratio``/``replace`` the same names.

    Parameters
    ----------
    data : DataFrame
        One row per unit, with a unique index (pairs refer to index labels).
    treatment : str
        0/1 column. A formula's left-hand side names it too; if both are given they must
        agree.
    covariates : list of str or formula str
        Columns of the distance model (text columns become indicators), or a formula as
        MatchIt takes it: ``"treated ~ age + I(age**2) + C(region)"`` or ``"~ age + ..."``.
        Constant or collinear terms are dropped with a warning and a note in the result.
    method : {"nearest", "optimal", "exact", "cem"}
    distance : {"ps", "logit_ps", "prognostic", "mahalanobis"} or array
        ``"prognostic"`` fits a Poisson model of ``outcome`` on controls only (Hansen 2008).
        An array (or Series aligned with ``data``) is used as the distance measure itself,
        as MatchIt accepts a numeric ``distance``.
    exact : list of str, optional
        Match only within strata of these columns (e.g. the enrolment month).
    caliper : float, optional
        Largest allowed distance, in SDs of the distance measure.
    ratio : int
        Controls per treated unit. Too few controls give a warning with the counts.
    replace : bool
        Whether controls may be reused.
    order : {"largest", "smallest", "random", "data"}
    estimand : {"ATT", "ATC"}
    random_state : int, numpy Generator or None
        Used by ``order="random"``.
    mahvars : list of str, optional
        Match on the Mahalanobis distance of these columns within the propensity caliper.
    outcome : str, optional
        The outcome modelled by ``distance="prognostic"``.
    cutpoints : dict, optional
        CEM bins per covariate: a number of equal-width bins (1 to 10000), a list of cut
        points, or a rule ("sturges", "scott", "fd", as MatchIt); Sturges' rule by default.
        Options another option makes meaningless (e.g. ``caliper`` with ``method="cem"``,
        ``outcome`` without ``distance="prognostic"``) are ignored with a DataWarning;
        contradictory ones (``mahvars`` with ``distance="mahalanobis"``, a caliper on a
        Mahalanobis distance) are refused, and ``ratio`` cannot exceed the controls.
    missing : {"error", "drop"}
        Rows with missing or infinite covariates raise an error, or are dropped and counted.

    Returns
    -------
    MatchResult

    Examples
    --------
    >>> import evaltools as et
    >>> rng = np.random.default_rng(0)
    >>> df = pd.DataFrame({"x": rng.normal(size=300), "treated": rng.random(300) < 0.3})
    >>> df["treated"] = df.treated.astype(int)
    >>> m = et.match(df, "treated", ["x"], caliper=0.2, random_state=0)
    >>> bool(m.summary().loc["Matched", "Treated"] > 0)
    True
    >>> m = et.match(df, covariates="treated ~ x + I(x**2)")
    >>> m.treatment
    'treated'
    """
    replace = check_match_options(
        method=method, distance=distance, ratio=ratio, caliper=caliper, order=order,
        estimand=estimand, replace=replace, random_state=random_state, cutpoints=cutpoints,
        missing=missing, mahvars=mahvars, outcome=outcome)
    treatment = resolve_treatment(treatment, covariates, "match")
    exact, mahvars = check_names(exact, "exact", "match"), check_names(mahvars, "mahvars",
                                                                        "match")
    if outcome is not None and (outcome == treatment or outcome in (
            [] if isinstance(covariates, str) else covariates or [])):
        raise ParameterError(f"The 'outcome' parameter of match names '{outcome}', which is "
                             "the treatment or a matching covariate; a prognostic score models "
                             "a separate outcome on the covariates. Fix: pass the outcome "
                             "column and leave it out of covariates.")
    if treatment in exact:
        raise ParameterError(f"The 'exact' parameter of match names the treatment column "
                             f"'{treatment}': no stratum would hold both treated and controls. "
                             "Fix: leave it out of exact.")
    data, flow, supplied = prepare(data, treatment, covariates, exact, mahvars, outcome,
                                   distance, missing)
    warn_replaced_columns(data, ["weights", "subclass", "distance"], "match")
    covariates = covariates if isinstance(covariates, str) else list(covariates or [])
    focal = data[treatment].to_numpy() == (1 if estimand == "ATT" else 0)
    if method not in ("exact", "cem"):
        check_ratio_size(ratio, int((~focal).sum()), "match")
    if method in ("exact", "cem"):
        return _subclass_match(data, treatment, covariates, focal, method, cutpoints, flow,
                               estimand, exact, random_state)
    score, coords, dropped = _distance(data, treatment, covariates, distance, outcome,
                                       mahvars, supplied)
    sd = float(np.std(score, ddof=1)) if score is not None else None
    caliper_abs = caliper * sd if caliper is not None and sd is not None else caliper
    strata = (data[exact].groupby(exact, sort=True, dropna=False).ngroup().to_numpy()
              if exact else np.zeros(len(data), int))
    warn_few_controls(focal, strata, ratio, replace, estimand)
    t_all, c_all, d_all, no_stratum = _match_strata(
        score, coords, focal, strata, method=method, ratio=ratio, replace=replace,
        order=order, caliper=caliper_abs, use_mahal=bool(mahvars) or
        (isinstance(distance, str) and distance == "mahalanobis"),
        rng=np.random.default_rng(random_state))
    options = dict(method=method, distance=distance if isinstance(distance, str) else
                   "supplied", exact=exact or None, caliper=caliper, caliper_abs=caliper_abs,
                   ratio=ratio, replace=replace, order="data" if replace else order,
                   estimand=estimand, mahvars=mahvars or None,
                   dropped_covariates=dropped or None)
    return _pair_result(data, treatment, covariates, focal, score, t_all, c_all, d_all,
                        no_stratum, replace, flow, estimand, options, random_state)


def _distance(data, treatment, covariates, distance, outcome, mahvars, supplied):
    """The one-dimensional score and/or Mahalanobis coordinates, and dropped covariates."""
    t = data[treatment].to_numpy() == 1
    dropped: dict[str, str] = {}

    def mahalanobis(cols, what):
        x, gone = model_design(data, cols, func="match", what=what)
        dropped.update(gone)
        return dist.mahalanobis_coordinates(x, t)

    coords = mahalanobis(mahvars, "Mahalanobis covariate") if mahvars else None
    if supplied is not None:
        return supplied.to_numpy(), coords, dropped
    if not covariates:
        raise ParameterError("The 'covariates' parameter of match must be a list of columns "
                             "or a formula for the distance model. Got None instead.")
    if distance == "mahalanobis":
        return None, mahalanobis(covariates, "Mahalanobis covariate"), dropped
    what = "prognostic covariate" if distance == "prognostic" else "propensity covariate"
    x, gone = model_design(data, covariates, func="match", what=what)
    dropped.update(gone)
    if distance == "prognostic":
        if outcome is None:
            raise ParameterError("distance='prognostic' needs outcome= (a count or numeric "
                                 "column to model on the controls).")
        check_finite(data, [outcome], "data")
        y = data[outcome].to_numpy(dtype=float)
        if (y[~t] < 0).any():
            raise ParameterError(
                f"distance='prognostic' fits a Poisson model of '{outcome}', which needs counts "
                f"(>= 0); {int((y[~t] < 0).sum())} control(s) have negative values, at row "
                f"index {examples(data.index[~t & (y < 0)])}. Fix: pass a count outcome.")
        return dist.prognostic_score(x, ~t, y), coords, dropped
    p, linear, _ = dist.fit_logistic(x, t, func="match")
    return (p if distance == "ps" else linear), coords, dropped


def _treated_order(score, treated, order, rng):
    if order == "random":
        return rng.permutation(treated)
    if order == "data" or score is None:
        return treated
    key = -score[treated] if order == "largest" else score[treated]
    return treated[np.argsort(key, kind="stable")]


def _match_strata(score, coords, focal, strata, *, method, ratio, replace, order, caliper,
                  use_mahal, rng):
    t_out, c_out, d_out, no_controls = [], [], [], []
    for s in np.unique(strata[focal]):
        members = strata == s
        treated = np.flatnonzero(members & focal)
        controls = np.flatnonzero(members & ~focal)
        if len(controls) == 0:
            no_controls.append(treated)
            continue
        ordered = _treated_order(score, treated, "data" if replace else order, rng)
        if method == "optimal":
            pts = coords if use_mahal else score[:, None]
            t, c, d = optimal_match(pts, treated, controls, ratio,
                                    None if use_mahal else caliper, score,
                                    caliper if use_mahal and score is not None else None)
        elif replace:
            pts = coords if use_mahal else score[:, None]
            t, c, d = nearest_with_replacement(pts, ordered, controls, ratio,
                                               None if use_mahal else caliper, score,
                                               caliper if use_mahal else None)
        elif use_mahal:
            t, c, d = greedy_multivariate(coords, ordered, controls, ratio, score,
                                          caliper if score is not None else None)
        else:
            t, c, d = greedy_1d(score, ordered, controls, ratio, caliper)
        t_out.append(t)
        c_out.append(c)
        d_out.append(d)
    return (_concat(t_out, int), _concat(c_out, int), _concat(d_out, float),
            _concat(no_controls, int))


def _concat(parts: list[np.ndarray], dtype) -> np.ndarray:
    return np.concatenate(parts).astype(dtype) if parts else np.array([], dtype)


def _group_names(estimand: str) -> tuple[str, str, str]:
    """Flow labels of the focal group and of the other group (one unit, several): with
    ``estimand="ATC"`` the controls are the ones matched, and the treated are matched to
    them."""
    return ("treated", "control", "controls") if estimand == "ATT" else (
        "controls", "treated", "treated")


def _pair_result(data, treatment, covariates, focal, score, t, c, d, no_stratum, replace,
                 flow, estimand, options, random_state):
    n = len(data)
    weights = pair_weights(n, t, c)
    subclass = np.full(n, np.nan)
    first = pd.unique(t)  # subclasses numbered in matching order, as MatchIt
    pair_id = pd.Series(np.arange(1, len(first) + 1), index=first)
    if not replace:
        subclass[first] = pair_id.to_numpy()
        subclass[c] = pair_id[t].to_numpy()
    index = data.index.to_numpy()
    pairs = pd.DataFrame({"subclass": pair_id[t].to_numpy(), "treated_id": index[t],
                          "control_id": index[c], "distance": d})
    matched_t = np.zeros(n, bool)
    matched_t[t] = True
    n_focal_unmatched = int((focal & ~matched_t).sum())
    f_name, o_one, o_all = _group_names(estimand)
    flow = flow + [(f"{f_name} matched", int(matched_t.sum())),
                   (f"{f_name} unmatched: no {o_one} in exact stratum", len(no_stratum)),
                   (f"{f_name} unmatched: no {o_one} within caliper or none left",
                    n_focal_unmatched - len(no_stratum)),
                   (f"{o_all} matched (distinct)", int(len(np.unique(c))))]
    if n_focal_unmatched == int(focal.sum()):
        why = (f"no stratum of exact={options['exact']} holds both treated and controls; "
               "choose coarser exact columns" if len(no_stratum) == n_focal_unmatched else
               f"no control lies within caliper={options['caliper']}; widen the caliper")
        warnings.warn(f"No treated unit was matched: {why}. The result has no matched sample.",
                      EvaltoolsWarning, stacklevel=3)
    return MatchResult(data=data, treatment=treatment, covariates=covariates,
                       weights=pd.Series(weights, index=data.index),
                       notes=dropped_note(options["dropped_covariates"] or {}, "covariate"),
                       subclass=pd.Series(subclass, index=data.index), pairs=pairs,
                       distance_=None if score is None else pd.Series(score, index=data.index),
                       flow=pd.DataFrame(flow, columns=["step", "n"]), estimand=estimand,
                       meta=run_meta(options, random_state=random_state, flow=pd.DataFrame(
                           flow, columns=["step", "n"])))


def _subclass_match(data, treatment, covariates, focal, method, cutpoints, flow, estimand,
                    exact, random_state):
    if not covariates:
        raise ParameterError(f"method='{method}' needs covariates to form subclasses. Got "
                             f"{covariates!r} instead.")
    if isinstance(covariates, str):  # a formula: subclasses of its (indicator) columns
        x = design(data, covariates, func="match")
        keys = x if method == "exact" else coarsen(x, list(x.columns), cutpoints)
    else:
        keys = data[covariates] if method == "exact" else coarsen(data, covariates, cutpoints)
    sub = exact_subclasses(keys, focal)
    weights = subclass_weights(sub, focal)
    in_sub = sub >= 0
    if not (in_sub & focal).any():
        warnings.warn(f"No treated unit was matched: no subclass of {list(keys.columns)} holds "
                      f"both treated and controls (method='{method}'). Fix: coarsen or drop "
                      "covariates with many distinct values.", EvaltoolsWarning, stacklevel=3)
    f_name, o_one, o_all = _group_names(estimand)
    flow = flow + [(f"{f_name} matched", int((in_sub & focal).sum())),
                   (f"{f_name} unmatched: no {o_one} with the same (coarsened) values",
                    int((~in_sub & focal).sum())),
                   (f"{o_all} matched", int((in_sub & ~focal).sum()))]
    options = dict(method=method, distance=None, exact=exact, caliper=None,
                   caliper_abs=None, ratio=None, replace=None, order=None, estimand=estimand,
                   cutpoints=cutpoints)
    flow_df = pd.DataFrame(flow, columns=["step", "n"])
    return MatchResult(data=data, treatment=treatment, covariates=covariates,
                       weights=pd.Series(weights, index=data.index),
                       subclass=pd.Series(np.where(in_sub, sub + 1, np.nan), index=data.index),
                       pairs=pd.DataFrame(columns=["subclass", "treated_id", "control_id",
                                                   "distance"]),
                       distance_=None, flow=flow_df, estimand=estimand,
                       meta=run_meta(options, random_state=random_state, flow=flow_df))
