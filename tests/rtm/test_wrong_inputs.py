"""Wrong inputs to the regression-to-the-mean tools are answered with messages that name the
argument or column, and options that change nothing are reported, not ignored."""

import matplotlib

matplotlib.use("Agg")

import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402
import pytest  # noqa: E402

import evaltools as et  # noqa: E402
from evaltools.exceptions import (  # noqa: E402
    DataWarning,
    EvaltoolsInputError,
    ParameterError,
    SchemaError,
)

MODEL = et.rtm.CountModel(mean=0.3, dispersion=0.5, stability=0.5)


@pytest.fixture(scope="module")
def panel():
    y = MODEL.simulate(400, periods=4, random_state=2)
    return pd.DataFrame({"person_id": np.repeat(np.arange(400), 4),
                         "rel_period": np.tile(np.arange(-2, 2), 400), "y": y.ravel()})


def test_simulation_options_without_n_are_reported():
    with pytest.warns(DataWarning, match=r"n_sim=5000.*ignored.*pass n="):
        et.rtm.expected_rtm_normal(10, 2, 0.5, 12, n_sim=5000)
    with pytest.warns(DataWarning, match=r"random_state=3.*ignored"):
        et.rtm.expected_rtm_normal(10, 2, 0.5, 12, random_state=3)


def test_extreme_cutoff_names_the_cutoff():
    with pytest.raises(ParameterError, match=r"'cutoff' is so extreme"):
        et.rtm.expected_rtm_normal(10, 2, 0.5, 10**6)


@pytest.mark.parametrize("y", [-3, [1, np.nan], "two"])
def test_count_model_methods_need_counts(y):
    with pytest.raises(ParameterError, match=r"'y' parameter of CountModel.expected_next"):
        MODEL.expected_next(y)
    with pytest.raises(ParameterError, match=r"'y' parameter of CountModel.pmf"):
        MODEL.pmf(y)


def test_count_model_methods_agree_with_the_formula():
    """E[Y2 | Y1 = y] = rho (k + y) / (k / mu + 1) + (1 - rho) mu, by hand for y = 2."""
    assert MODEL.expected_next(2) == pytest.approx(0.5 * 2.5 / (0.5 / 0.3 + 1) + 0.5 * 0.3)


def test_panel_arguments_and_tables(panel):
    fit = et.rtm.fit_count_model
    with pytest.raises(ParameterError, match=r"'outcome' parameter of fit_count_model must be "
                                             r"a column name"):
        fit(panel, ["y"])
    with pytest.raises(SchemaError, match=r"data table has no rows"):
        fit(panel.iloc[:0], "y")
    with pytest.raises(SchemaError, match=r"Column 'rel_period' \(time\) .* period numbers"):
        fit(panel.assign(rel_period=panel["rel_period"].astype(str)), "y")
    with pytest.raises(SchemaError, match=r"'rel_period' .* 1 missing"):
        fit(panel.assign(rel_period=panel["rel_period"].where(panel.index != 5)), "y")
    with pytest.raises(SchemaError, match=r"period numbers"):
        et.rtm.selection_trajectory(panel.assign(rel_period=panel["rel_period"].astype(str)),
                                    outcome="y", select_period="0", threshold=2)
    with pytest.raises(ParameterError, match=r"'select_period' parameter"):
        et.rtm.selection_trajectory(panel, outcome="y", select_period=[0], threshold=2)


def _results(panel):
    traj = et.rtm.selection_trajectory(panel, outcome="y", select_period=0, threshold=2)
    audit = et.rtm.audit_claim(before=2.9, after=1.5, n=100, threshold=2, population=MODEL,
                               n_sim=200, random_state=1, progress=False)
    dec = et.rtm.decompose_change([3.0, 2, 4], [1.0, 2, 1], [2.0, 2, 2], [1.0, 1, 1],
                                  n_boot=20, random_state=1, progress=False)
    return {"TrajectoryResult": traj, "AuditResult": audit, "DecompositionResult": dec}


def test_plots_refuse_bad_axes_and_options(panel):
    for name, result in _results(panel).items():
        with pytest.raises(ParameterError, match=rf"'ax' parameter of {name}.plot must be a "
                                                 r"matplotlib Axes"):
            result.plot(ax="left")
        with pytest.raises(ParameterError, match=rf"\['colour'\] passed to {name}.plot"):
            result.plot(colour="red")
        assert result.plot(color="red", alpha=0.5) is not None  # real options still work


def test_decomposition_population_needs_both_arrays():
    base = ([3.0, 2, 4], [1.0, 2, 1], [2.0, 2, 2], [1.0, 1, 1])
    with pytest.raises(EvaltoolsInputError, match=r"population_after without population_before"):
        et.rtm.decompose_change(*base, population_after=[1.0, 2], n_boot=5, progress=False)
    with pytest.raises(EvaltoolsInputError, match=r"population_before without population_after"):
        et.rtm.decompose_with_model(base[0], base[1], model=MODEL, threshold=2,
                                    population_before=[1.0], n_boot=5, progress=False)


def test_decomposition_with_model_checks_the_cohort():
    kw = dict(model=MODEL, threshold=2, n_boot=5, progress=False)
    with pytest.raises(EvaltoolsInputError, match=r"treated_before must be counts .* 1 value"):
        et.rtm.decompose_with_model([3.0, -2, 4], [1.0, 2, 1], **kw)
    with pytest.warns(DataWarning, match=r"2 of 3 people have treated_before below "
                                         r"threshold=2, at positions \[0, 2\]"):
        et.rtm.decompose_with_model([0.0, 3, 1], [1.0, 2, 1], **kw)


def test_columns_must_differ_and_series_must_align(panel):
    with pytest.raises(ParameterError, match=r"must name three different columns"):
        et.rtm.fit_count_model(panel, "person_id")
    before = pd.Series([3.0, 2, 4], index=[1, 2, 3])
    with pytest.raises(EvaltoolsInputError, match=r"treated_before and treated_after are "
                                                  r"Series whose index labels differ"):
        et.rtm.decompose_change(before, pd.Series([1.0, 2, 1], index=[1, 2, 4]), [2.0], [1.0],
                                n_boot=5, progress=False)
    same = et.rtm.decompose_change(before, before - 1, [2.0, 3], [1.0, 1], n_boot=5,
                                   progress=False)
    assert same.table.loc["naive change (treated)", "estimate"] == -1


def test_audit_claim_warns_when_before_is_below_the_threshold():
    with pytest.warns(DataWarning, match=r"claimed mean before \(1.2\) is below threshold=2"):
        et.rtm.audit_claim(before=1.2, after=0.6, n=100, threshold=2, population=MODEL,
                           n_sim=200, random_state=1, progress=False)
