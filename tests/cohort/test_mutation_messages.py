"""Refusals that name the exact problem and place: every parser path of the where-grammar
(the character position counted by hand, 1-based), mixed-type columns, missing amounts
seen by SortedEvents, and the flow table shown without an index column.
"""

import sys

import numpy as np
import pandas as pd
import pytest

import evaltools as et
from evaltools.cohort import SortedEvents
from evaltools.cohort.compile import to_mask
from evaltools.cohort.expression import parse
from evaltools.exceptions import ParameterError, SchemaError


@pytest.mark.parametrize("text, problem, at", [
    ("a ==", "ends where it expects a literal ('text', a number or date 'YYYY-MM-DD')", 5),
    ("a", "ends where it expects a comparison (==, !=, <, <=, >, >=), 'in [...]' or "
          "'is null' after 'a'", 2),
    ("a in (1, 2)", "has '(' where it expects '[' to start the list", 6),
    ("a in [1 2]", "has '2' where it expects ',' or ']'", 9),
    ("a in [1", "ends where it expects ',' or ']'", 8),
    ("a == 1 a == 2", "has 'a' where it expects 'and', 'or' or the end of the expression", 8),
    ("a is 1", "has '1' where it expects 'null' after 'is'", 6),
    ("a is not 1", "has '1' where it expects 'null' after 'is'", 10),
    ("(a == 1", "ends where it expects ')'", 8),
    ("a == and", "has 'and' where it expects a column or a literal", 6),
    ("a in [date 5]", "has '5' where it expects a quoted date after 'date', e.g. "
                      "date '2020-01-31'", 12),
    ("1 is null", "cannot contain a literal before 'is null' (put a column there)", 1),
    ("2 in [1]", "cannot contain a literal before 'in' (put a column there)", 1),
    ("1 < 2", "cannot contain a comparison of two literals (compare a column)", 1),
    ("a == 'x", "cannot contain an unterminated string starting with '", 6),
    ("f(a) == 1", "cannot contain a call of 'f' (functions are not part of the grammar)", 2),
    ("__x == 1", "cannot contain the name '__x' (names may not start with '__')", 1),
    ("a == 9223372036854775809", "cannot contain the number '9223372036854775809', which "
                                 "is out of range (a literal must be finite and within 64 "
                                 "bits)", 6),
    ("a == 1.5.2", "cannot contain the malformed number '1.5.'", 6),
    ("a == -x", "cannot contain '-' (only as the sign of a number)", 6),
    ("a // 2", "cannot contain '//' (comments are not allowed)", 3),
    ("a == 1 */", "cannot contain '*/' (comments are not allowed)", 8),
    ("a == 1 \\", "cannot contain '\\' (no backslash escapes)", 8),
    ("a == 1 & b", "cannot contain '&'", 8),
])
def test_parser_names_the_problem_and_its_place(text, problem, at):
    with pytest.raises(ParameterError) as err:
        parse(text)
    message = str(err.value)
    assert message.startswith(f"The 'where' parameter of Measure {problem} (at character "
                              f"{at}):\n{text}\n{' ' * (at - 1)}^\nAllowed: ")


def test_date_literals_and_keywords_in_any_case():
    tree = parse("d IN [DATE '2020-01-31'] AnD NOT x Is NuLl")
    assert str(tree).count("datetime.date(2020, 1, 31)") == 1
    assert parse("a in [1, 2.5, 'x']").values[1].value == 2.5
    assert parse("a == -3").right.value == -3
    assert parse("a == 1e3").right.value == 1000.0
    assert parse("a==1").right.value == 1
    # The condition itself is one level: 99 parentheses or 'not's around it make 100.
    # (Room on the stack for wrappers such as mutation-testing trampolines.)
    limit = sys.getrecursionlimit()
    sys.setrecursionlimit(max(limit, 20_000))
    try:
        for deep in ("(" * 99 + "a == 1" + ")" * 99, "not " * 99 + "a == 1"):
            parse(deep)
        for deep in ("(" * 100 + "a == 1" + ")" * 100, "not " * 100 + "a == 1"):
            with pytest.raises(ParameterError, match="more than 100 nested"):
                parse(deep)
    finally:
        sys.setrecursionlimit(limit)
    assert len("a == '" + "x" * 19_993 + "'") == 20_000
    parse("a == '" + "x" * 19_993 + "'")
    assert parse("a == 9223372036854775808").right.value == 2**63  # the largest allowed
    with pytest.raises(ParameterError, match="at most 20,000 characters. Got 20,001"):
        parse("a == '" + "x" * 19_994 + "'")


def test_mixed_type_column_message_names_the_columns():
    frame = pd.DataFrame({"code": ["a", 1, "b"], "other": ["x", "y", "z"]}, dtype=object)
    with pytest.raises(ParameterError) as err:
        to_mask(parse("other < code"), frame)
    assert str(err.value) == (
        "Column(s) ['other', 'code'] hold values of mixed types (e.g. text and numbers), so "
        "the condition cannot be computed. Fix: convert the column to one dtype first.")


def test_sorted_events_refuses_missing_amounts_it_would_sum():
    events = pd.DataFrame({"person_id": [7, 8], "event_date": pd.to_datetime(
        ["2020-01-05", "2020-01-06"]), "los": [np.nan, 2.0], "setting": ["ip", "ae"]})
    with pytest.raises(SchemaError, match=r"missing for 1 and infinite for 0 .*person_id \[7\]"):
        SortedEvents(events, {"los": et.cohort.Measure(value="los", agg="sum")})
    # Not selected by the measure: no problem.
    ok = SortedEvents(events, {"los": et.cohort.Measure("setting == 'ae'", value="los",
                                                        agg="sum")})
    assert ok.window([8], "2020-01-01", "2020-02-01")["prior_los"].tolist() == [2.0]


def test_flow_is_shown_without_an_index_column():
    persons = pd.DataFrame({"person_id": [1], "index_date": [pd.Timestamp("2020-01-05")]})
    events = pd.DataFrame({"person_id": [1], "event_date": [pd.Timestamp("2020-01-05")]})
    res = et.cohort.build_panel(persons, events, measures={"n": et.cohort.Measure()},
                                window=(0, 1))
    html = res._repr_html_()
    flow_html = html[html.index("<strong>Flow</strong>"):]
    assert "<td>persons supplied</td>" in flow_html
    assert "<th></th>" not in flow_html and "<td>0</td>\n      <td>persons" not in flow_html
