"""The where-grammar: what it accepts, the tree it builds, and what it refuses (by name)."""

import datetime as dt

import numpy as np
import pandas as pd
import pytest

import evaltools as et
from evaltools.cohort.compile import check_types, pandas_kinds, to_mask, to_sql
from evaltools.cohort.expression import (
    And,
    Column,
    Compare,
    In,
    IsNotNull,
    IsNull,
    Literal,
    Not,
    Or,
    parse,
)
from evaltools.exceptions import ParameterError


@pytest.mark.parametrize("text, tree", [
    ("a == 'x'", Compare("==", Column("a"), Literal("x"))),
    ('a != "x"', Compare("!=", Column("a"), Literal("x"))),
    ("a == 'O''Brien'", Compare("==", Column("a"), Literal("O'Brien"))),
    ('a == "say ""hi"""', Compare("==", Column("a"), Literal('say "hi"'))),
    ("a == 'back\\slash'", Compare("==", Column("a"), Literal("back\\slash"))),
    ("los >= -2.5", Compare(">=", Column("los"), Literal(-2.5))),
    ("3 < los", Compare("<", Literal(3), Column("los"))),
    ("d < date '2020-01-31'", Compare("<", Column("d"), Literal(dt.date(2020, 1, 31)))),
    ("date == 1", Compare("==", Column("date"), Literal(1))),  # a column named date
    ("a in ['x', 'y']", In(Column("a"), (Literal("x"), Literal("y")))),
    ("a NOT IN [1]", In(Column("a"), (Literal(1),), negated=True)),
    ("a is null", IsNull(Column("a"))),
    ("a IS NOT NULL", IsNotNull(Column("a"))),
    ("not a == 1 or b == 2 and c == 3",
     Or(Not(Compare("==", Column("a"), Literal(1))),
        And(Compare("==", Column("b"), Literal(2)), Compare("==", Column("c"), Literal(3))))),
    ("(a == 1 or b == 2) and c < d",
     And(Or(Compare("==", Column("a"), Literal(1)), Compare("==", Column("b"), Literal(2))),
         Compare("<", Column("c"), Column("d")))),
])
def test_parse_trees(text, tree):
    assert parse(text) == tree


@pytest.mark.parametrize("text, named", [
    ("a = 1", r"'=' \(use '==' to compare\) \(at character 3\)"),
    ("a == 1; DROP TABLE x", r"';'.*character 7"),
    ("@os == 1", r"'@' \(no references to Python variables\)"),
    ("a == 1 -- hi", r"'--' \(comments are not allowed\)"),
    ("a == 1 /* x */", r"'/\*' \(comments"),
    ("`a` == 1", r"'`' \(backticks\)"),
    ("a.__class__ == 1", r"'\.' \(no attribute access\)"),
    ("__class__ == 1", r"name '__class__'"),
    ("len(a) > 1", r"a call of 'len'"),
    ("ｓetting == 'ae'", r"FULLWIDTH LATIN SMALL LETTER S, U\+FF53"),
    ("setting == 'ae' or ѕetting == 1", r"CYRILLIC SMALL LETTER DZE"),
    ("setｔing == 1", r"FULLWIDTH LATIN SMALL LETTER T"),
    ("a == 'open", r"unterminated string"),
    ("a ==", r"ends where it expects a literal"),
    ("a", r"expects a comparison"),
    ("1 == 1", r"comparison of two literals"),
    ("a in (1, 2)", r"has '\(' where it expects '\['"),
    ("a in []", r"has '\]' where it expects a literal"),
    ("a <> 1", r"'<>' \(use '!='\)"),
    ("a == 1e", r"malformed number"),
    ("d < date '31/01/2020'", r"the date '31/01/2020'"),
    ("d < date '2020-02-30'", r"the date '2020-02-30'"),
    ("a == 1 a == 2", r"has 'a' where it expects 'and', 'or'"),
    ("a is 1", r"expects 'null' after 'is'"),
    ("'x' in ['x']", r"a literal before 'in'"),
    ("a == b + 1", r"'\+'"),
])
def test_refused_with_the_token_and_position(text, named):
    with pytest.raises(ParameterError, match=r"The 'where' parameter of Measure.*" + named):
        parse(text)


def test_refusals_show_the_expression_and_the_grammar():
    with pytest.raises(ParameterError) as err:
        et.cohort.Measure("setting == 'ae' ; x")
    message = str(err.value)
    assert "setting == 'ae' ; x\n                ^" in message
    assert "Allowed: columns (ASCII names)" in message


def test_nesting_and_length_are_bounded():
    with pytest.raises(ParameterError, match="more than 100 nested"):
        parse("not " * 150 + "a == 1")
    with pytest.raises(ParameterError, match="at most 20,000 characters"):
        parse("a == 1 or " * 3000 + "a == 1")
    with pytest.raises(ParameterError, match="must not be empty"):
        parse("   ")
    with pytest.raises(ParameterError, match="must be a string or None"):
        et.cohort.Measure(where=5)


def test_columns_come_from_the_tree():
    m = et.cohort.Measure("setting == 'and or' and los is not null", value="cost", agg="sum")
    assert m.columns() == {"setting", "los", "cost"}


EVENTS = pd.DataFrame({
    "setting": ["inpatient", "ae", None, "inpatient"],
    "los": [3.0, np.nan, 1.0, np.inf],
    "n": [1, 2, 3, 4],
    "d": pd.to_datetime(["2020-01-30 10:00", "2020-01-31 23:00", None, "2020-02-01 00:00"]),
    "flag": [True, False, True, False],
})


@pytest.mark.parametrize("text, problem", [
    ("n == '1'", r"column 'n' \(number\) with '1' \(string\)"),
    ("setting == 2", r"column 'setting' \(string\) with 2 \(number\)"),
    ("d < '2020-01-01'", r"write dates as date 'YYYY-MM-DD'"),
    ("setting in ['ae', 1]", r"column 'setting' \(string\) with 1"),
    ("setting < los", r"column 'setting' \(string\) with column 'los' \(float\)"),
])
def test_types_checked_before_computing(text, problem):
    with pytest.raises(ParameterError, match=r"Measure 'm' compares .*" + problem):
        check_types(parse(text), pandas_kinds(EVENTS, EVENTS.columns), "m")


def test_mixed_object_columns_are_an_error_not_a_crash():
    frame = pd.DataFrame({"code": ["a", 1, "b"]}, dtype=object)
    with pytest.raises(ParameterError, match=r"\['code'\] hold values of mixed types"):
        to_mask(parse("code < 'b'"), frame)


def test_sql_has_only_quoted_identifiers_and_placeholders():
    params = []
    sql = to_sql(parse("setting == 'x'' OR 1=1 --' and d >= date '2020-01-31' and "
                       "n not in [1, 2]"), pandas_kinds(EVENTS, EVENTS.columns), params)
    assert "'" not in sql and "--" not in sql
    assert sql.count("?") == len(params) == 4
    assert params == ["x' OR 1=1 --", dt.date(2020, 1, 31), 1, 2]
    assert '"setting"' in sql and '"n" NOT IN (?, ?)' in sql
