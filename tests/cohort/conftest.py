import pandas as pd
import pytest


@pytest.fixture
def small_case():
    """Three persons, seven events: the hand-computed case of test_panel_hand.py."""
    persons = pd.DataFrame({
        "person_id": [1, 2, 3],
        "index_date": pd.to_datetime(["2020-01-31", "2020-03-15", "2020-02-01"]),
        "death_date": pd.to_datetime([None, "2020-04-14", None]),
        "treated": [1, 0, 1],
    })
    events = pd.DataFrame({
        "person_id": [1, 1, 1, 2, 2, 3, 3],
        "event_date": pd.to_datetime(["2020-01-30", "2020-01-31", "2020-02-29", "2020-03-15",
                                      "2020-04-20", "2020-01-01", "2020-05-01"]),
        "setting": ["inpatient", "inpatient", "outpatient", "inpatient", "ae", "ae",
                    "inpatient"],
        "method": ["emergency", "elective", None, "emergency", None, None, "emergency"],
        "los": [3, 1, 0, 5, 0, 0, 2],
        "cost": [1000.5, 500.0, 100.0, 2000.0, 150.0, 150.0, 800.0],
    })
    return persons, events
