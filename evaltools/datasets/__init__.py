"""Seeded synthetic generators and loaders of the sample data.

>>> import evaltools as et
>>> persons, events = et.datasets.popp_synthetic(n_participants=50, n_pool=500, random_state=1)
"""

from .area_rollout import area_rollout
from .popp import popp_synthetic
from .samples import load_popp_sample, sample_path

__all__ = ["popp_synthetic", "area_rollout", "load_popp_sample", "sample_path"]
