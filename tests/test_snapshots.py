import os
import signal
import subprocess
import sys
import textwrap
import time

import pandas as pd

from data.snapshots import SnapshotStore


def test_round_trip_and_pruning(tmp_path):
    store = SnapshotStore(tmp_path)
    store.save("c", {"a": pd.DataFrame({"x": [1, 2]})}, {"fetched_at": "t1"})
    store.save("c", {"a": pd.DataFrame({"x": [3]})}, {"fetched_at": "t2"})
    frames, meta = store.load("c")
    assert frames["a"]["x"].tolist() == [3] and meta == {"fetched_at": "t2"}
    assert len([p for p in tmp_path.iterdir() if p.is_dir()]) == 1


def test_missing_or_corrupt_snapshot_loads_as_none(tmp_path):
    store = SnapshotStore(tmp_path)
    assert store.load("c") is None
    store.save("c", {"a": pd.DataFrame({"x": [1]})}, {})
    (tmp_path / "c.current").write_text("does-not-exist")
    assert store.load("c") is None


def test_killed_during_write_leaves_the_previous_snapshot(tmp_path):
    store = SnapshotStore(tmp_path)
    store.save("c", {"a": pd.DataFrame({"x": [1, 2, 3]})}, {"fetched_at": "good"})
    writer = textwrap.dedent(f"""
        import sys; sys.path.insert(0, {str(os.getcwd())!r})
        import numpy as np, pandas as pd
        from data.snapshots import SnapshotStore
        store = SnapshotStore({str(tmp_path)!r})
        big = pd.DataFrame({{"x": np.arange(3_000_000), "y": np.random.rand(3_000_000)}})
        print("ready", flush=True)
        while True:
            store.save("c", {{"a": big, "b": big}}, {{"fetched_at": "big"}})
    """)
    process = subprocess.Popen([sys.executable, "-c", writer], stdout=subprocess.PIPE, cwd=os.getcwd())
    assert process.stdout.readline().strip() == b"ready"
    time.sleep(0.4)
    process.send_signal(signal.SIGKILL)
    process.wait()
    frames, meta = SnapshotStore(tmp_path).load("c")
    if meta["fetched_at"] == "good":
        assert frames["a"]["x"].tolist() == [1, 2, 3]
    else:  # a later write completed before the kill: it must be whole
        assert len(frames["a"]) == len(frames["b"]) == 3_000_000
