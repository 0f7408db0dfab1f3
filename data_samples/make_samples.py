"""Regenerate the committed POPP-style sample data from its random_state.

    python data_samples/make_samples.py            # rewrite data_samples/popp_*.parquet
    python data_samples/make_samples.py --check    # verify the committed files match

With the same package versions the files are rebuilt byte for byte; ``--check``
compares contents, so it also passes across library versions.
"""

from __future__ import annotations

import argparse
import hashlib
import sys
from pathlib import Path

import pandas as pd

from evaltools.datasets import popp_synthetic
from evaltools.datasets.samples import POPP_SAMPLE

HERE = Path(__file__).resolve().parent


def write(persons: pd.DataFrame, events: pd.DataFrame, folder: Path) -> list[Path]:
    paths = []
    for name, table in (("popp_persons", persons), ("popp_events", events)):
        path = folder / f"{name}.parquet"
        table.to_parquet(path, index=False, compression="zstd", engine="pyarrow")
        paths.append(path)
    return paths


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="compare instead of writing")
    args = parser.parse_args(argv)
    persons, events = popp_synthetic(**POPP_SAMPLE)
    if args.check:
        pd.testing.assert_frame_equal(persons, pd.read_parquet(HERE / "popp_persons.parquet"))
        pd.testing.assert_frame_equal(events, pd.read_parquet(HERE / "popp_events.parquet"))
        print("data_samples/popp_*.parquet match popp_synthetic(**POPP_SAMPLE)")
        return 0
    for path in write(persons, events, HERE):
        digest = hashlib.sha256(path.read_bytes()).hexdigest()[:16]
        print(f"{path.name}: {path.stat().st_size / 1e6:.2f} MB, sha256 {digest}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
