"""Wrong inputs found by a hostile reading of the DiD functions: repeated or ambiguous column
names, unhashable cluster labels, outcomes too large to square, windows beyond the data,
aggregating an aggregation, and True/False person-time."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

import evaltools as et
from evaltools.exceptions import DataWarning, ParameterError, SchemaError
from evaltools.validation import check_plain_columns


def _panel(seed=11):
    rng = np.random.default_rng(seed)
    units, years = np.arange(40), np.arange(2010, 2016)
    cohort = np.select([units < 10, units < 20], [2012, 2014], 0)
    d = pd.DataFrame({"area": np.repeat(units, len(years)), "year": np.tile(years, len(units))})
    d["cohort"] = np.repeat(cohort, len(years))
    d["treated"] = ((d["cohort"] > 0) & (d["year"] >= d["cohort"])).astype(int)
    d["y"] = rng.normal(0, 1, len(d)) - d["treated"]
    return d


ATT = {"outcome": "y", "unit": "area", "time": "year", "cohort": "cohort"}
TW = {"outcome": "y", "unit": "area", "time": "year", "treatment": "treated"}


def test_check_plain_columns_refuses_repeats_multiindex_and_index_levels():
    d = pd.DataFrame({"y": [1.0], "u": [1]})
    check_plain_columns(d, ["y", "u", None], "data")  # passes
    with pytest.raises(SchemaError, match=r"duplicate column name\(s\).*'y'"):
        check_plain_columns(pd.concat([d, d[["y"]]], axis=1), ["y"], "data")
    with pytest.raises(SchemaError, match="MultiIndex"):
        check_plain_columns(d.set_axis(pd.MultiIndex.from_product([["a"], ["y", "u"]]),
                                       axis=1), ["y"], "data")
    with pytest.raises(SchemaError, match=r"'u'.*also index level names.*reset_index"):
        check_plain_columns(d.set_index("u", drop=False), ["u"], "data")


def test_att_gt_refuses_a_repeated_outcome_column():
    d = _panel()
    with pytest.raises(SchemaError, match=r"duplicate column name.*'y'"):
        et.did.att_gt(pd.concat([d, d[["y"]]], axis=1), **ATT)


def test_twfe_refuses_columns_that_are_also_index_levels():
    with pytest.raises(SchemaError, match=r"'area'.*index level names"):
        et.did.twfe(_panel().set_index(["area", "year"], drop=False), **TW)


@pytest.mark.parametrize("func", ["att_gt", "twfe"])
def test_cluster_of_lists_is_refused_with_the_column(func):
    d = _panel().assign(cl=lambda x: [[u] for u in x["area"]])
    call = (lambda: et.did.att_gt(d, **ATT, cluster="cl")) if func == "att_gt" else (
        lambda: et.did.twfe(d, **TW, cluster="cl"))
    with pytest.raises(SchemaError, match=r"Column 'cl'.*cannot be grouped.*list"):
        call()


@pytest.mark.parametrize("func", ["att_gt", "twfe", "event_study", "bacon"])
def test_outcome_too_large_to_square_is_refused(func):
    d = _panel().assign(y=lambda x: x["y"] * 1e300)
    calls = {"att_gt": lambda: et.did.att_gt(d, **ATT),
             "twfe": lambda: et.did.twfe(d, **TW),
             "event_study": lambda: et.did.event_study(d, **ATT),
             "bacon": lambda: et.did.bacon_decomposition(d, **TW)}
    with pytest.raises(SchemaError, match=r"outcome column 'y'.*beyond 1e\+100.*rescale"):
        calls[func]()


def test_outcome_just_below_the_limit_still_fits():
    # 1e90-scale outcomes square to 1e180: finite, so the estimate is finite too.
    fit = et.did.twfe(_panel().assign(y=lambda x: x["y"] * 1e90), **TW)
    assert np.isfinite(fit.estimate) and np.isfinite(fit.tidy()["std_error"]).all()


def test_aggregating_an_aggregation_is_refused():
    agg = et.did.att_gt(_panel(), **ATT).aggregate("simple")
    with pytest.raises(ParameterError, match=r"already a 'simple' aggregation.*ATTgtResult"):
        agg.aggregate("dynamic")


def test_event_study_window_beyond_the_data_warns():
    with pytest.warns(DataWarning, match=r"'window' \(-100, 100\).*beyond the observed event"):
        et.did.event_study(_panel(), **ATT, window=(-100, 100))


def test_event_study_window_inside_the_data_is_quiet(recwarn):
    et.did.event_study(_panel(), **ATT, window=(-2, 2))
    assert not [w for w in recwarn if issubclass(w.category, DataWarning)]


def test_matched_did_refuses_true_false_exposure():
    rng = np.random.default_rng(2)
    k = np.arange(-3, 3)
    panel = pd.DataFrame({"match_id": np.repeat(np.arange(20), 6), "rel_period": np.tile(k, 20),
                          "y": rng.poisson(1, 120).astype(float), "exposure": True})
    table = pd.DataFrame({"match_id": np.arange(20), "treated": np.arange(20) % 2,
                          "subclass": np.arange(20) // 2, "weights": 1.0})
    with pytest.raises(SchemaError, match=r"exposure column 'exposure'.*True/False"):
        et.did.matched_did(panel, table, outcome="y", pre=(-3, 0), post=(0, 3))


def test_complex_outcome_is_refused():
    with pytest.raises(SchemaError, match=r"Column\(s\) \['y'\] of the data of twfe hold complex"):
        et.did.twfe(_panel().assign(y=lambda x: x["y"].astype(complex)), **TW)


def test_covariates_given_as_a_pandas_index_are_read_as_names():
    d = _panel().assign(x=lambda x: np.random.default_rng(1).normal(0, 1, len(x)))
    by_index = et.did.att_gt(d, **ATT, covariates=pd.Index(["x"]))
    by_list = et.did.att_gt(d, **ATT, covariates=["x"])
    pd.testing.assert_frame_equal(by_index.summary(), by_list.summary())


def test_did_2x2_refuses_true_false_exposure():
    d = _panel().assign(post=lambda x: (x["year"] >= 2013).astype(int),
                        ever=lambda x: (x["cohort"] > 0).astype(int),
                        y=lambda x: np.random.default_rng(1).poisson(3, len(x)), e=True)
    with pytest.raises(SchemaError, match=r"exposure column 'e' of did_2x2 is True/False"):
        et.did.did_2x2(d, outcome="y", treatment="ever", post="post", unit="area",
                       family="poisson", exposure="e")
