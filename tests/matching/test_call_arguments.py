"""Public functions given a misspelt keyword, a keyword they do not take, too many
positional arguments or none: a ParameterError naming it and the nearest real parameter."""

import pytest

import evaltools as et
from evaltools import cli
from evaltools.exceptions import ParameterError

CALLS = [
    (lambda: et.match(None, calliper=0.2), r"match\(\) has no parameter 'calliper'\. Did you "
                                           r"mean 'caliper'\?"),
    (lambda: et.weighting.entropy_balance(None, estimand="ATE"),
     r"entropy_balance\(\) has no parameter 'estimand'\. Its parameters are: data, treatment, "
     r"covariates, moments, tol\."),
    (lambda: et.weighting.ipw(None, stabilise=True), r"Did you mean 'stabilize'\?"),
    (lambda: et.balance_table(None, threshold={}), r"Did you mean 'thresholds'\?"),
    (lambda: et.estimate_att(None, "y", n_boots=100), r"Did you mean 'n_boot'\?"),
    (lambda: et.estimate_att(), r"estimate_att\(\) was called with arguments it cannot take "
                                r"\(missing a required argument: 'm_or_data'\)"),
    (lambda: et.cohort.build_panel(None, None, measure={}), r"Did you mean 'measures'\?"),
    (lambda: et.cohort.prior_use(None, None, measures={}, month=12), r"Did you mean 'months'\?"),
    (lambda: et.cohort.check_tables(None, None, idcol="x"), r"Did you mean 'id_col'\?"),
    (lambda: et.matching.match_risk_set(None, None, covariates=[], prior_month=6),
     r"Did you mean 'prior_months'\?"),
    (lambda: et.datasets.popp_synthetic(1, 2, 3, 4), r"popp_synthetic\(\) was called with "
                                                     r"arguments it cannot take \(too many "
                                                     r"positional arguments\)"),
    (lambda: et.datasets.area_rollout(cohort={}), r"Did you mean 'cohorts'\?"),
    (lambda: et.datasets.sample_path(nme="x"), r"Did you mean 'name'\?"),
    (lambda: cli.run_notebook("x", "y.html", time_out=5), r"Did you mean 'timeout'\?"),
    (lambda: et.cohort.Measure(wher="setting == 'ae'"), r"Measure\(\) has no parameter "
                                                        r"'wher'\. Did you mean 'where'\?"),
    (lambda: et.cohort.Measure("a", "b", "sum", "x"), r"Measure\(\) was called with arguments "
                                                      r"it cannot take \(too many positional"),
    (lambda: et.cohort.SortedEvents(None, {}, idcol="x"), r"SortedEvents\(\) has no parameter "
                                                          r"'idcol'\. Did you mean 'id_col'\?"),
]


@pytest.mark.parametrize("call, message", CALLS)
def test_bad_call_names_the_argument(call, message):
    with pytest.raises(ParameterError, match=message):
        call()


def test_decorated_functions_keep_their_signature_and_docs():
    import inspect

    assert list(inspect.signature(et.match).parameters)[:3] == ["data", "treatment",
                                                                "covariates"]
    assert et.estimate_att.__doc__ and et.estimate_att.__name__ == "estimate_att"
