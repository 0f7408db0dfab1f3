"""Up-front checks of the options of the difference-in-differences functions.

Each public function names its columns by role (outcome, unit, time, cohort, treatment,
post, ...); a role must be one column name, and two roles cannot share a column (an outcome
that is also the period, a unit id that is also the time). Options that another option makes
meaningless (bootstrap settings without the bootstrap, event-time windows for a calendar
aggregation) are ignored with a warning that says so, as MatchIt and R's did do.
"""

from __future__ import annotations

import warnings
from contextlib import contextmanager

import numpy as np
import pandas as pd

from ..exceptions import EvaltoolsWarning, ParameterError, SchemaError
from ..validation import check_bool, check_number, check_option, check_random_state, examples

__all__ = ["IgnoredOptionWarning", "MAX_BOOT", "check_ax", "check_aggregate_options",
           "check_attgt_options", "check_boot_size", "check_cell_size", "check_covariates_arg", "check_outcome_varies",
           "check_role_columns", "check_roles", "plot_kwargs"]

MAX_BOOT = 1_000_000  # R's did default is 999; a million draws already pins a 0.1% quantile
_MAX_DRAW_BYTES = 2 * 1024**3  # the draws of every cell are kept for the uniform bands
_MAX_INFLUENCE_BYTES = 6 * 1024**3  # one float per unit and cell, before aggregation
_FEW_DRAWS = 100  # below this the interquartile range of the draws is too noisy an SE
_MAX_WEIGHTS = 10**10  # multiplier weights drawn (n_boot x clusters): about a minute of work


class IgnoredOptionWarning(EvaltoolsWarning):
    """An option was given that the other options make meaningless; it is ignored."""


def _is_name(value) -> bool:
    return isinstance(value, (str, int, np.integer)) and not isinstance(value, (bool, np.bool_))


def check_roles(func: str, required: dict, optional: dict | None = None,
                shared: tuple[str, ...] = ("cluster",)) -> None:
    """Each role is one column name (``optional`` ones may be None) and no two roles, except
    those in ``shared``, name the same column.

    >>> check_roles("twfe", {"outcome": "y", "unit": "area", "time": "year"})
    >>> check_roles("twfe", {"outcome": "y", "unit": "year", "time": "year"})
    Traceback (most recent call last):
    ...
    evaltools.exceptions.ParameterError: The 'unit' and 'time' parameters of twfe both name \
column 'year'; each role needs its own column. Fix: pass the unit id column as unit= and \
the period column as time=.
    """
    optional = optional or {}
    for role, value in {**required, **optional}.items():
        if value is None and role in optional:
            continue
        if not _is_name(value):
            raise ParameterError(f"The '{role}' parameter of {func} must be one column name "
                                 f"(a str). Got {value!r} instead.")
    seen: dict = {}
    for role, value in {**required, **optional}.items():
        if value is None or role in shared:
            continue
        if value in seen:
            first = seen[value]
            raise ParameterError(
                f"The '{first}' and '{role}' parameters of {func} both name column "
                f"{value!r}; each role needs its own column. Fix: pass the "
                f"{_WHAT.get(first, first)} column as {first}= and the "
                f"{_WHAT.get(role, role)} column as {role}=.")
        seen[value] = role


def check_covariates_arg(covariates, func: str):
    """A string must be a formula: a bare name is most likely one column meant as a list.
    Column names given as a pandas Index, Series or numpy array come back as a list.

    >>> check_covariates_arg(pd.Index(["age", "sex"]), "did_2x2")
    ['age', 'sex']
    """
    if isinstance(covariates, (pd.Index, pd.Series, np.ndarray)):
        covariates = list(covariates)
    if isinstance(covariates, str) and "~" not in covariates:
        raise ParameterError(f"The 'covariates' parameter of {func} must be a list of column "
                             f"names or a formula with '~'. Got {covariates!r} instead. Fix: "
                             f"covariates=[{covariates!r}] or covariates='~ {covariates}'.")
    return covariates


_TOO_LARGE = 1e100


def check_outcome_varies(data, outcome: str, func: str, table: str = "data",
                         rates: bool = False, magnitude: bool = True) -> None:
    """An outcome that is the same in every row has nothing to compare (every estimate 0 with
    a zero standard error). With ``rates`` (counts per person-time) only a count that is zero
    everywhere is refused: equal counts over unequal person-time are unequal rates. With
    ``magnitude``, values beyond 1e100 (whose squares overflow) are refused too.

    >>> check_outcome_varies(pd.DataFrame({"y": [1.0, 2.0]}), "y", "twfe")
    """
    values = data[outcome].to_numpy(dtype="float64", na_value=np.nan)
    if len(values) > 1 and np.nanmin(values) == np.nanmax(values) and not (
            rates and values[0] != 0):
        raise SchemaError(f"The outcome column '{outcome}' of the {table} table of {func} is "
                          f"{values[0]:g} in all {len(values)} rows: there is no change to "
                          "compare. Fix: check that it is the outcome column (and, for counts, "
                          "that the events were linked to the units).")
    big = np.abs(values) > _TOO_LARGE if magnitude else np.zeros(len(values), bool)
    if big.any():
        # Squares of such values overflow to inf, so every standard error would be inf.
        raise SchemaError(f"The outcome column '{outcome}' of the {table} table of {func} has "
                          f"{int(big.sum())} value(s) beyond {_TOO_LARGE:g} in size (largest "
                          f"{np.nanmax(np.abs(values)):g}); their squares overflow and the "
                          "standard errors could not be computed. Fix: check the units, or "
                          "rescale the outcome (e.g. thousands).")


def check_role_columns(data, func: str, roles: dict, table: str = "data") -> None:
    """Each role's column is in ``data`` (a non-DataFrame is left to the data checks); the
    message names the missing column and the parameter that gave it.

    >>> check_role_columns(pd.DataFrame({"y": [1.0]}), "twfe", {"outcome": "y", "cluster": None})
    """
    if not isinstance(data, pd.DataFrame):
        return
    given = {role: value for role, value in roles.items() if value is not None}
    missing = [(role, value) for role, value in given.items() if value not in data.columns]
    if missing:
        role, value = missing[0]
        raise SchemaError(
            f"The {table} table has no column {[value]!r} (the '{role}' parameter of {func}); "
            f"it has {examples(list(data.columns), k=12)}. Fix: pass the column names of your "
            f"data to {func} (check the names given as {', '.join(given)}).")


_WHAT = {"unit": "unit id", "time": "period", "cohort": "first treated period",
         "treatment": "treatment indicator", "post": "post-period indicator",
         "exposure": "person-time", "weights": "matching weights", "subclass": "matched-set"}


def check_ax(ax, func: str) -> None:
    """``ax`` is None or a matplotlib Axes.

    >>> check_ax(None, "plot")
    """
    from matplotlib.axes import Axes

    if ax is not None and not isinstance(ax, Axes):
        raise ParameterError(f"The 'ax' parameter of {func} must be a matplotlib Axes or None. "
                             f"Got {ax!r} ({type(ax).__name__}) instead. Fix: pass e.g. "
                             "plt.subplots()[1], or leave ax out for a new figure.")


@contextmanager
def plot_kwargs(func: str, kwargs: dict, target: str):
    """Drawing with user keywords: matplotlib's refusal of one becomes an evaltools error.

    >>> with plot_kwargs("plot", {}, "scatter"):
    ...     pass
    """
    try:
        yield
    except (AttributeError, TypeError, ValueError) as err:
        if not kwargs:  # no user keyword: not the user's mistake
            raise
        raise ParameterError(f"The keyword arguments {sorted(kwargs)} of {func} are passed to "
                             f"matplotlib's {target}, which refused them: {err} Fix: use "
                             f"keywords that {target} accepts (e.g. color=, marker=).") from None


def check_attgt_options(*, control_group, est_method, base_period, boot_weights,
                        anticipation, n_boot, min_cell, bootstrap, allow_unbalanced_panel,
                        random_state, est_methods, boot_kinds) -> None:
    """Every option of att_gt, and a warning for bootstrap settings given without it."""
    func = "att_gt"
    check_option(control_group, "control_group", func, ["nevertreated", "notyettreated"])
    check_option(est_method, "est_method", func, est_methods)
    check_option(base_period, "base_period", func, ["varying", "universal"])
    check_option(boot_weights, "boot_weights", func, boot_kinds)
    check_number(anticipation, "anticipation", func, low=0, integer=True)
    check_number(n_boot, "n_boot", func, low=1, high=MAX_BOOT, integer=True)
    check_number(min_cell, "min_cell", func, low=1, integer=True)
    check_bool(bootstrap, "bootstrap", func)
    check_bool(allow_unbalanced_panel, "allow_unbalanced_panel", func)
    check_random_state(random_state, func)
    if bootstrap and n_boot < _FEW_DRAWS:
        warnings.warn(f"att_gt with n_boot={n_boot}: so few draws give unstable standard errors "
                      f"and bands (R's did uses 999). Fix: n_boot={_FEW_DRAWS} or more.",
                      EvaltoolsWarning, stacklevel=3)
    if not bootstrap:
        ignored = [f"{k}={v!r}" for k, v, default in (
            ("n_boot", n_boot, 999), ("boot_weights", boot_weights, "rademacher"),
            ("random_state", random_state, None)) if v is not None and v != default]
        if ignored:
            warnings.warn(f"att_gt ignores {', '.join(ignored)}: they set the multiplier "
                          "bootstrap, and bootstrap=False (analytic standard errors). Fix: "
                          "pass bootstrap=True to use them.", IgnoredOptionWarning,
                          stacklevel=3)


def check_cell_size(n_units: int, n_cells: int) -> None:
    """Refuse a panel whose influence functions (units x group-time cells) would not fit.

    >>> check_cell_size(2500, 12)
    """
    need = n_units * n_cells * 8
    if need > _MAX_INFLUENCE_BYTES:
        raise SchemaError(
            f"att_gt on this panel would estimate {n_cells:,} group-time cells for {n_units:,} "
            f"units, whose influence functions need {need / 1024**3:,.1f} GiB of memory (limit "
            f"{_MAX_INFLUENCE_BYTES / 1024**3:g} GiB). Fix: coarsen the periods (e.g. years "
            "instead of months) or the cohorts, or analyse a subset of units.")


def check_boot_size(n_boot: int, n_cells: int, n_clusters: int) -> None:
    """Refuse a bootstrap whose draws would not fit in memory or would take hours.

    >>> check_boot_size(999, 12, 500)
    """
    need = n_boot * max(n_cells, 1) * 8
    if need > _MAX_DRAW_BYTES:
        raise ParameterError(
            f"The 'n_boot' parameter of att_gt is too large for this panel: {n_boot:,} draws "
            f"of {n_cells:,} group-time cells need {need / 1024**3:,.1f} GiB of memory (limit "
            f"{_MAX_DRAW_BYTES / 1024**3:g} GiB). Fix: n_boot={_MAX_DRAW_BYTES // (8 * n_cells):,}"
            " or fewer (R's did uses 999).")
    weights = n_boot * n_clusters
    if weights > _MAX_WEIGHTS:
        raise ParameterError(
            f"The 'n_boot' parameter of att_gt is too large for this panel: {n_boot:,} draws "
            f"for {n_clusters:,} units or clusters are {weights:.2g} multiplier weights (limit "
            f"{_MAX_WEIGHTS:.0e}, about a minute of work). Fix: n_boot="
            f"{_MAX_WEIGHTS // n_clusters:,} or fewer (R's did uses 999).")


def check_aggregate_options(kind, balance_e, min_e, max_e) -> None:
    """Options of ``ATTgtResult.aggregate``, as R's ``aggte`` checks them; event-time options
    that the kind does not use are ignored with a warning."""
    func = "aggregate"
    check_option(kind, "kind", func, ["simple", "dynamic", "group", "calendar"])
    check_number(balance_e, "balance_e", func, low=0, integer=True, allow_none=True)
    check_number(min_e, "min_e", func)
    check_number(max_e, "max_e", func)
    if min_e > max_e:
        raise ParameterError(f"The 'min_e' parameter of aggregate ({min_e!r}) is above "
                             f"'max_e' ({max_e!r}): no event time lies between them. Fix: "
                             "min_e <= max_e, e.g. min_e=-3, max_e=3.")
    used = {"dynamic": ("balance_e", "min_e", "max_e"), "simple": ("max_e",),
            "group": ("max_e",), "calendar": ()}[kind]
    given = {"balance_e": balance_e is not None, "min_e": np.isfinite(min_e),
             "max_e": np.isfinite(max_e)}
    ignored = [k for k, v in given.items() if v and k not in used]
    if ignored:
        warnings.warn(f"aggregate(kind={kind!r}) ignores {', '.join(ignored)} (as R's aggte): "
                      f"{'they select' if len(ignored) > 1 else 'it selects'} event times, "
                      f"which only kind='dynamic' uses (max_e also limits 'simple' and "
                      "'group').", IgnoredOptionWarning, stacklevel=3)
