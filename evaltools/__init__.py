"""evaltools: judge whether a health, social-care or community programme changed outcomes.

>>> import evaltools as et
>>> persons, events = et.datasets.popp_synthetic(n_participants=50, n_pool=500, random_state=1)
"""

from __future__ import annotations

from importlib import import_module
from importlib.metadata import PackageNotFoundError, version

try:
    __version__ = version("evaltools")
except PackageNotFoundError:  # pragma: no cover - running from a source tree
    __version__ = "0.0.0"

# Sub-packages are imported on first use so that `import evaltools` stays fast and one
# optional heavy dependency cannot break the others.
_SUBMODULES = ("cohort", "datasets", "matching", "did", "rtm", "sensitivity", "economics",
               "evidence", "disclosure", "balance", "effects", "weighting",
               "reporting", "exceptions", "validation")
_TOP_LEVEL = {
    "match": "matching",
    "MatchResult": "matching",
    "balance_table": "balance",
    "BalanceTable": "balance",
    "estimate_att": "effects",
    "EffectResult": "effects",
    "compare": "reporting",
}

__all__ = [*_SUBMODULES, *_TOP_LEVEL, "__version__"]


def __getattr__(name: str):
    if name in _SUBMODULES:
        module = import_module(f".{name}", __name__)
        globals()[name] = module
        return module
    if name in _TOP_LEVEL:
        value = getattr(import_module(f".{_TOP_LEVEL[name]}", __name__), name)
        globals()[name] = value
        return value
    raise AttributeError(f"module 'evaltools' has no attribute {name!r}")


def __dir__() -> list[str]:
    return sorted(__all__)
