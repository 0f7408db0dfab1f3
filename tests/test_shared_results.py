"""The result shape every module shares: text, HTML, '.' for missing cells, meta."""

import numpy as np
import pandas as pd

from evaltools._shared import ResultMixin, format_table, run_meta


class Toy(ResultMixin):
    _title = "Toy result"

    def __init__(self):
        self.meta = run_meta({"method": "toy"}, random_state=3)

    def summary(self):
        return pd.DataFrame({"estimate": [0.123456, np.nan]}, index=["a", "b"])

    def _notes(self):
        return ["Assumes <nothing>."]


def test_text_and_html_rendering():
    toy = Toy()
    text = str(toy)
    assert text.startswith("Toy result") and "0.1235" in text and "Assumes" in text
    assert repr(toy) == text
    html = toy._repr_html_()
    assert "<table" in html and "Assumes &lt;nothing&gt;." in html


def test_missing_cells_print_as_dot():
    out = format_table(pd.DataFrame({"x": [1.0, np.nan]}))
    assert out["x"].tolist() == [1.0, "."]


def test_meta_records_options_seed_and_versions():
    meta = Toy().meta
    assert meta["options"] == {"method": "toy"} and meta["random_state"] == 3
    assert {"python", "numpy", "pandas", "evaltools"} <= set(meta["versions"])
