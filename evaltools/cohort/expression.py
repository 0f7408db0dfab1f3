"""The expression grammar of ``Measure(where=...)``: text -> a tree of small frozen nodes.

What a user writes is tokenised and parsed by recursive descent into :class:`Column`,
:class:`Literal`, :class:`Compare`, :class:`In`, :class:`IsNull`, :class:`IsNotNull`,
:class:`And`, :class:`Or` and :class:`Not` nodes. Nothing the user typed is ever evaluated
as code or pasted into SQL: :mod:`evaltools.cohort.compile` turns the tree into a pandas
mask or into SQL made of quoted identifiers and ``?`` placeholders.

Grammar (keywords are case-insensitive)::

    expr       := disjunct ("or" disjunct)*
    disjunct   := conjunct ("and" conjunct)*
    conjunct   := "not" conjunct | "(" expr ")" | condition
    condition  := operand ("==" | "!=" | "<" | "<=" | ">" | ">=") operand
                | column ["not"] "in" "[" literal ("," literal)* "]"
                | column "is" ["not"] "null"
    operand    := column | literal
    column     := [A-Za-z_][A-Za-z0-9_]*          (ASCII only; not starting with "__")
    literal    := 'text' | "text"                 (a quote inside is doubled: 'O''Brien')
                | number                          (12, -3, 0.5, 1e3; finite, within 64 bits)
                | date 'YYYY-MM-DD'
"""

from __future__ import annotations

import datetime as dt
import math
import re
import unicodedata
from dataclasses import dataclass

from ..exceptions import ParameterError

__all__ = ["Column", "Literal", "Compare", "In", "IsNull", "IsNotNull", "And", "Or", "Not",
           "Node", "parse", "columns_of"]

COMPARISONS = ("==", "!=", "<", "<=", ">", ">=")
_KEYWORDS = {"and", "or", "not", "in", "is", "null"}
_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")
_NUMBER = re.compile(r"[0-9]+(\.[0-9]+)?([eE][+-]?[0-9]+)?")
_MAX_DEPTH = 100
_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")
GRAMMAR = ("columns (ASCII names), 'text' or \"text\" (a quote inside doubled), numbers, "
           "date 'YYYY-MM-DD', == != < <= > >=, in [...], not in [...], is null, "
           "is not null, and, or, not, parentheses")


# --- nodes -------------------------------------------------------------------------------

@dataclass(frozen=True)
class Column:
    name: str


@dataclass(frozen=True)
class Literal:
    value: str | int | float | dt.date


@dataclass(frozen=True)
class Compare:
    """``left op right``; false when either side is null."""
    op: str
    left: Column | Literal
    right: Column | Literal


@dataclass(frozen=True)
class In:
    """``column in [...]`` (or ``not in`` when ``negated``); false when the column is null."""
    column: Column
    values: tuple[Literal, ...]
    negated: bool = False


@dataclass(frozen=True)
class IsNull:
    column: Column


@dataclass(frozen=True)
class IsNotNull:
    column: Column


@dataclass(frozen=True)
class And:
    left: Node
    right: Node


@dataclass(frozen=True)
class Or:
    left: Node
    right: Node


@dataclass(frozen=True)
class Not:
    operand: Node


Node = Compare | In | IsNull | IsNotNull | And | Or | Not


# --- tokens ------------------------------------------------------------------------------

@dataclass(frozen=True)
class Token:
    kind: str   # name, string, number, op, end
    text: str
    pos: int    # 0-based offset in the expression
    value: object = None


def _error(text: str, pos: int, problem: str) -> ParameterError:
    pointer = f"{text}\n{' ' * pos}^"
    return ParameterError(
        f"The 'where' parameter of Measure {problem} (at character {pos + 1}):\n"
        f"{pointer}\nAllowed: {GRAMMAR}.")


def _refuse(text: str, pos: int, what: str) -> ParameterError:
    return _error(text, pos, f"cannot contain {what}")


def _char_name(ch: str) -> str:
    name = unicodedata.name(ch, "unnamed character")
    return f"{ch!r} ({name}, U+{ord(ch):04X})"


def _string(text: str, pos: int) -> tuple[Token, int]:
    quote, i, out = text[pos], pos + 1, []
    while i < len(text):
        if text[i] == quote:
            if text[i + 1:i + 2] == quote:  # SQL-style doubled quote
                out.append(quote)
                i += 2
                continue
            return Token("string", text[pos:i + 1], pos, "".join(out)), i + 1
        out.append(text[i])
        i += 1
    raise _refuse(text, pos, f"an unterminated string starting with {quote}")


_SPECIAL = {"=": "'=' (use '==' to compare)", ";": "';' (one condition only)",
            "@": "'@' (no references to Python variables)", "`": "'`' (backticks)",
            ".": "'.' (no attribute access)", "\\": "'\\' (no backslash escapes)"}


def tokenize(text: str) -> list[Token]:
    """Split an expression into tokens, refusing every character outside the grammar."""
    tokens, i = [], 0
    while i < len(text):
        ch, two = text[i], text[i:i + 2]
        if ch.isspace():
            i += 1
        elif two in ("--", "/*", "*/", "//"):
            raise _refuse(text, i, f"{two!r} (comments are not allowed)")
        elif two in ("==", "!=", "<=", ">="):
            tokens.append(Token("op", two, i))
            i += 2
        elif two == "<>":
            raise _refuse(text, i, "'<>' (use '!=')")
        elif ch in "<>()[],":
            tokens.append(Token("op", ch, i))
            i += 1
        elif ch in "'\"":
            token, i = _string(text, i)
            tokens.append(token)
        elif ch == "-" or ch.isascii() and ch.isdigit():
            match = _NUMBER.match(text, i + (ch == "-"))
            if not match or match.start() != i + (ch == "-"):
                raise _refuse(text, i, "'-' (only as the sign of a number)")
            end = match.end()
            if end < len(text) and (text[end].isalnum() or text[end] in "_."):
                raise _refuse(text, i, f"the malformed number {text[i:end + 1]!r}")
            raw = text[i:end]
            number = float(raw) if match.group(1) or match.group(2) else int(raw)
            if not math.isfinite(number) or isinstance(number, int) and abs(number) > 2**63:
                raise _refuse(text, i, f"the number {raw!r}, which is out of range (a "
                                       "literal must be finite and within 64 bits)")
            tokens.append(Token("number", raw, i, number))
            i = end
        elif _NAME.match(text, i) and ch.isascii():
            name = _NAME.match(text, i).group()
            end = i + len(name)
            if end < len(text) and not text[end].isascii():
                raise _refuse(text, end, f"the non-ASCII character {_char_name(text[end])}; "
                                         "column names must be ASCII letters, digits and '_'")
            tokens.append(Token("name", name, i))
            i = end
        elif not ch.isascii():
            raise _refuse(text, i, f"the non-ASCII character {_char_name(ch)}; column names "
                                   "must be ASCII letters, digits and '_' (text with other "
                                   "characters goes in quotes)")
        else:
            raise _refuse(text, i, _SPECIAL.get(ch, repr(ch)))
    tokens.append(Token("end", "", len(text)))
    return tokens


# --- parser ------------------------------------------------------------------------------

class _Parser:
    def __init__(self, text: str):
        self.text = text
        self.tokens = tokenize(text)
        self.i = self.depth = 0

    @property
    def tok(self) -> Token:
        return self.tokens[self.i]

    def keyword(self, word: str, ahead: int = 0) -> bool:
        tok = self.tokens[min(self.i + ahead, len(self.tokens) - 1)]
        return tok.kind == "name" and tok.text.lower() == word

    def op(self, text: str) -> bool:
        return self.tok.kind == "op" and self.tok.text == text

    def advance(self) -> Token:
        tok = self.tok
        self.i += 1
        return tok

    def fail(self, tok: Token | None = None, expected: str = "") -> ParameterError:
        tok = tok or self.tok
        shown = "ends" if tok.kind == "end" else f"has {tok.text!r}"
        return _error(self.text, tok.pos, f"{shown} where it expects {expected}")

    def parse(self) -> Node:
        if self.tok.kind == "end":
            raise ParameterError("The 'where' parameter of Measure must not be empty. Use "
                                 "where=None to keep every event.")
        node = self.expr()
        if self.tok.kind != "end":
            raise self.fail(expected="'and', 'or' or the end of the expression")
        return node

    def expr(self) -> Node:
        node = self.disjunct()
        while self.keyword("or"):
            self.advance()
            node = Or(node, self.disjunct())
        return node

    def disjunct(self) -> Node:
        node = self.conjunct()
        while self.keyword("and"):
            self.advance()
            node = And(node, self.conjunct())
        return node

    def conjunct(self) -> Node:
        self.depth += 1
        if self.depth > _MAX_DEPTH:
            raise _refuse(self.text, self.tok.pos, f"more than {_MAX_DEPTH} nested 'not' or "
                                                   "parentheses")
        try:
            return self._conjunct()
        finally:
            self.depth -= 1

    def _conjunct(self) -> Node:
        if self.keyword("not"):
            self.advance()
            return Not(self.conjunct())
        if self.op("("):
            self.advance()
            node = self.expr()
            if not self.op(")"):
                raise self.fail(expected="')'")
            self.advance()
            return node
        return self.condition()

    def condition(self) -> Node:
        start = self.tok
        left = self.operand()
        if self.tok.kind == "op" and self.tok.text in COMPARISONS:
            op = self.advance().text
            right = self.operand()
            if isinstance(left, Literal) and isinstance(right, Literal):
                raise _refuse(self.text, start.pos, "a comparison of two literals (compare "
                                                    "a column)")
            return Compare(op, left, right)
        negated = self.keyword("not") and self.keyword("in", 1)
        if self.keyword("in") or negated:
            self.i += 1 + negated
            return In(self.column_of(left, start, "in"), self.in_list(), negated)
        if self.keyword("is"):
            self.advance()
            negated = self.keyword("not")
            self.i += negated
            if not self.keyword("null"):
                raise self.fail(expected="'null' after 'is'")
            self.advance()
            column = self.column_of(left, start, "is null")
            return IsNotNull(column) if negated else IsNull(column)
        if self.op("("):
            raise _refuse(self.text, self.tok.pos, f"a call of {start.text!r} (functions "
                                                   "are not part of the grammar)")
        raise self.fail(expected="a comparison (==, !=, <, <=, >, >=), 'in [...]' or "
                                 "'is null' after " + repr(start.text))

    def column_of(self, node, start: Token, what: str) -> Column:
        if not isinstance(node, Column):
            raise _refuse(self.text, start.pos, f"a literal before '{what}' (put a column "
                                                "there)")
        return node

    def in_list(self) -> tuple[Literal, ...]:
        if not self.op("["):
            raise self.fail(expected="'[' to start the list")
        self.advance()
        values = [self.literal()]
        while self.op(","):
            self.advance()
            values.append(self.literal())
        if not self.op("]"):
            raise self.fail(expected="',' or ']'")
        self.advance()
        return tuple(values)

    def operand(self) -> Column | Literal:
        tok = self.tok
        if tok.kind == "name" and not (tok.text.lower() == "date"
                                       and self.tokens[self.i + 1].kind == "string"):
            if tok.text.lower() in _KEYWORDS:
                raise self.fail(expected="a column or a literal")
            if tok.text.startswith("__"):
                raise _refuse(self.text, tok.pos, f"the name {tok.text!r} (names may not "
                                                  "start with '__')")
            self.advance()
            return Column(tok.text)
        return self.literal()

    def literal(self) -> Literal:
        tok = self.tok
        if tok.kind in ("string", "number"):
            self.advance()
            return Literal(tok.value)
        if tok.kind == "name" and tok.text.lower() == "date":
            self.advance()
            text = self.tok
            if text.kind != "string":
                raise self.fail(expected="a quoted date after 'date', e.g. date '2020-01-31'")
            self.advance()
            return Literal(_date(self.text, text))
        raise self.fail(expected="a literal ('text', a number or date 'YYYY-MM-DD')")


def _date(text: str, tok: Token) -> dt.date:
    if _DATE.fullmatch(tok.value):
        try:
            return dt.date.fromisoformat(tok.value)
        except ValueError:
            pass
    raise _refuse(text, tok.pos, f"the date {tok.value!r} (write dates as "
                                 "date 'YYYY-MM-DD', e.g. date '2020-01-31')")


def parse(text: str) -> Node:
    """Parse a ``where`` expression into a tree of nodes.

    >>> parse("setting == 'inpatient' and los >= 2")
    And(left=Compare(op='==', left=Column(name='setting'), right=Literal(value='inpatient')), \
right=Compare(op='>=', left=Column(name='los'), right=Literal(value=2)))
    """
    if not isinstance(text, str):
        raise ParameterError("The 'where' parameter of Measure must be a string or None. "
                             f"Got {type(text).__name__} instead.")
    if len(text) > 20_000:
        raise ParameterError("The 'where' parameter of Measure must be at most 20,000 "
                             f"characters. Got {len(text):,} instead.")
    return _Parser(text).parse()


def columns_of(node: Node) -> set[str]:
    """Every column an expression reads.

    >>> sorted(columns_of(parse("a == 1 or not (b is null and c in ['x'])")))
    ['a', 'b', 'c']
    """
    if isinstance(node, Column):
        return {node.name}
    if isinstance(node, Literal):
        return set()
    if isinstance(node, Compare):
        return columns_of(node.left) | columns_of(node.right)
    if isinstance(node, (In, IsNull, IsNotNull)):
        return columns_of(node.column)
    if isinstance(node, Not):
        return columns_of(node.operand)
    return columns_of(node.left) | columns_of(node.right)
