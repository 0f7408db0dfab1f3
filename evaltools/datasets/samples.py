"""The committed sample data in ``data_samples/`` and how to load it."""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from .._shared.calls import checked_call
from ..exceptions import ParameterError

__all__ = ["load_popp_sample", "sample_path", "POPP_SAMPLE"]

POPP_SAMPLE = dict(n_participants=1000, n_pool=40000, effect=0.0, random_state=2011)
"""Arguments of ``popp_synthetic`` that made ``data_samples/popp_*.parquet``."""


_FOLDER = Path(__file__).resolve().parents[2] / "data_samples"


@checked_call
def sample_path(name: str = "") -> Path:
    """Path of the project's ``data_samples/`` folder (or a file in it).

    >>> sample_path("popp_persons.parquet").name
    'popp_persons.parquet'
    """
    folder = _FOLDER
    if not isinstance(name, str):
        raise ParameterError(f"The 'name' parameter of sample_path must be a file name (str). "
                             f"Got {name!r} instead.")
    if name and (Path(name).name != name or name.startswith(".")):
        raise ParameterError(f"The 'name' parameter of sample_path must be a file name in "
                             f"data_samples/ (no folders). Got {name!r} instead.")
    if name and not (folder / name).exists():
        known = ", ".join(sorted(p.name for p in folder.glob("*"))) or "none found"
        raise ParameterError(f"There is no sample file {name!r}; the samples are: {known}.")
    return folder / name


def load_popp_sample() -> tuple[pd.DataFrame, pd.DataFrame]:
    """The committed POPP-style sample (1,000 participants, 40,000 possible controls).

    Read from ``data_samples/`` when the package runs from the project tree; otherwise
    rebuilt with ``popp_synthetic(**POPP_SAMPLE)``, which gives the same tables.

    Examples
    --------
    >>> import evaltools as et
    >>> persons, events = et.datasets.load_popp_sample()
    >>> int(persons.treated.sum())
    1000
    """
    persons_file, events_file = _FOLDER / "popp_persons.parquet", _FOLDER / "popp_events.parquet"
    if persons_file.exists() and events_file.exists():
        return pd.read_parquet(persons_file), pd.read_parquet(events_file)
    from .popp import popp_synthetic

    return popp_synthetic(**POPP_SAMPLE)
