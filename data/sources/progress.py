"""How a read in flight tells where it is, so that a first visitor can see what is being read."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass


@dataclass(frozen=True)
class ReadProgress:
    """Where a read in flight is: part `step` of `steps` (a dataset, a kind of repo), records so far."""

    step: int
    steps: int
    label: str
    records: int


Report = Callable[[ReadProgress], None]
