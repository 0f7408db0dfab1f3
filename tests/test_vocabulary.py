"""Every public function speaks the vocabulary of DESIGN.md: one name per concept."""

import inspect

import pytest

import evaltools as et

MODULES = ["cohort", "matching", "did", "rtm", "sensitivity", "economics", "evidence",
           "disclosure", "balance", "effects", "weighting", "reporting", "datasets"]

# Names other packages use for a concept evaltools names once (DESIGN.md, "Vocabulary").
FORBIDDEN = {
    "treat": "treatment", "treated": "treatment", "d": "treatment", "D": "treatment",
    "yname": "outcome", "y": "outcome", "depvar": "outcome",
    "idname": "unit", "id": "unit", "tname": "time", "period": None,
    "gname": "cohort", "first_treat": "cohort",
    "xformla": "covariates", "x": "covariates", "xvars": "covariates",
    "seed": "random_state", "rng": "random_state",
    "weight": "weights", "clustervars": "cluster", "offset": "exposure",
    "verbose": "progress", "show_progress": "progress",
}
# `period` is the cohort builder's unit of time ("month", "year"), not the panel's time column.
ALLOWED = {("cohort", "build_panel", "period")}


def public_functions():
    for module_name in MODULES:
        module = getattr(et, module_name)
        for name in getattr(module, "__all__", []):
            obj = getattr(module, name)
            if inspect.isfunction(obj):
                yield module_name, name, obj
    for name in ("match", "balance_table", "estimate_att", "compare"):
        yield "top", name, getattr(et, name)


FUNCTIONS = list(public_functions())


@pytest.mark.parametrize("module_name, name, func", FUNCTIONS,
                         ids=[f"{m}.{n}" for m, n, _ in FUNCTIONS])
def test_parameters_use_the_shared_vocabulary(module_name, name, func):
    for param in inspect.signature(func).parameters:
        if (module_name, name, param) in ALLOWED:
            continue
        if param in FORBIDDEN and FORBIDDEN[param] is not None:
            pytest.fail(f"{module_name}.{name} has '{param}'; the vocabulary says "
                        f"'{FORBIDDEN[param]}'")


@pytest.mark.parametrize("module_name, name, func", FUNCTIONS,
                         ids=[f"{m}.{n}" for m, n, _ in FUNCTIONS])
def test_every_public_function_has_a_docstring_with_an_example(module_name, name, func):
    doc = inspect.getdoc(func) or ""
    assert len(doc) > 40, f"{module_name}.{name} has no docstring"
    assert ">>>" in doc, f"{module_name}.{name} has no example in its docstring"


def test_estimators_take_data_first():
    for module_name, name, func in FUNCTIONS:
        params = list(inspect.signature(func).parameters)
        if {"outcome", "treatment"} & set(params) and module_name != "cohort":
            assert params[0] in ("data", "m_or_data", "panel", "persons", "m_or_differences"), \
                f"{module_name}.{name} takes {params[0]!r} first"


@pytest.mark.parametrize("module_name, name, func", FUNCTIONS,
                         ids=[f"{m}.{n}" for m, n, _ in FUNCTIONS])
def test_a_misspelt_keyword_names_the_parameter_meant(module_name, name, func):
    from evaltools.exceptions import ParameterError

    params = list(inspect.signature(func).parameters)
    if not params:
        pytest.skip(f"{name} takes no arguments")
    first = params[0]
    with pytest.raises(ParameterError, match=rf"has no parameter '{first}x'. Did you mean "
                                             rf"'{first}'\?"):
        func(**{f"{first}x": None})
