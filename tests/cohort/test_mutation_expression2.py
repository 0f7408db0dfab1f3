"""Limits of the where grammar (Measure docstring): at most 100 nested 'not' or
parentheses, counted by depth, not by the number of conditions side by side; the position
in a message is the 1-based character where the problem starts."""

import sys

import pytest

from evaltools.cohort.expression import parse
from evaltools.exceptions import ParameterError


@pytest.fixture
def deep_stack():
    limit = sys.getrecursionlimit()
    sys.setrecursionlimit(max(limit, 20_000))
    yield
    sys.setrecursionlimit(limit)


def test_many_conditions_side_by_side_are_not_nesting(deep_stack):
    # 300 conditions joined by 'and' / 'or' are one level deep each.
    for joiner in (" and ", " or "):
        text = joiner.join(f"a == {i}" for i in range(300))
        parse(text)
    parse(" and ".join(f"(a == {i})" for i in range(300)))


def test_nesting_after_siblings_is_still_counted(deep_stack):
    # Siblings before a deep part do not give room: 100 parentheses are refused after them,
    # 99 accepted.
    head = " and ".join(f"a == {i}" for i in range(20)) + " and "
    parse(head + "(" * 99 + "a == 1" + ")" * 99)
    with pytest.raises(ParameterError, match="more than 100 nested"):
        parse(head + "(" * 100 + "a == 1" + ")" * 100)
    with pytest.raises(ParameterError, match="more than 100 nested"):
        parse(head + "not " * 100 + "a == 1")


def test_position_of_a_two_character_operator():
    # A second two-character operator where a value is expected: the message points at
    # its own first character (index 5 -> character 6; index 4 -> character 5).
    with pytest.raises(ParameterError, match=r"has '==' where it expects .*at character 6\)"):
        parse("a == == 1")
    with pytest.raises(ParameterError, match=r"has '<=' where it expects .*at character 5\)"):
        parse("a <=<= 1")
