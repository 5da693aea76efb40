"""What a chart's cache knows a frame by (components.charts.frame_key): its content, whichever object holds it."""

from __future__ import annotations

import pandas as pd

from components.charts import frame_key
from data.model import digests


def daily() -> pd.DataFrame:
    return pd.DataFrame(
        {"day": pd.to_datetime(["2026-03-01", "2026-03-02"], utc=True), "dataset": ["a", "b"], "validations": [3, 5]}
    )


def test_equal_frames_share_a_key_and_any_difference_parts_them():
    frame = daily()
    assert frame_key(frame) == frame_key(daily()) == frame_key(frame)
    assert frame_key(frame) != frame_key(frame.assign(validations=[3, 6]))
    assert frame_key(frame) != frame_key(frame.astype({"validations": "float64"}))  # its types are part of it
    assert frame_key(frame) != frame_key(frame.rename(columns={"validations": "n"}))
    assert frame_key(frame) != frame_key(frame.set_axis([5, 6]))
    assert frame_key(frame.set_index("day")) != frame_key(frame.set_index("dataset"))


def test_a_frame_is_fingerprinted_once_however_often_it_is_charted(monkeypatch):
    calls = []
    real = digests.content
    monkeypatch.setattr(digests, "content", lambda *parts: calls.append(parts) or real(*parts))
    frame, other = daily(), daily()
    keys = {frame_key(frame) for _ in range(5)} | {frame_key(other) for _ in range(5)}
    assert len(keys) == 1 and len(calls) == 2  # once per object, and the two objects agree
