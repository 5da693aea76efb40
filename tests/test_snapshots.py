import datetime as dt
import os
import signal
import subprocess
import sys
import textwrap
import time

import pandas as pd
import pytest

from data.state.snapshots import KEEP, Snapshot, SnapshotStore

T1, T2 = dt.datetime(2024, 3, 4, tzinfo=dt.UTC), dt.datetime(2024, 3, 5, tzinfo=dt.UTC)


def test_round_trip_and_pruning(tmp_path):
    store = SnapshotStore(tmp_path)
    store.save("c", Snapshot({"a": pd.DataFrame({"x": [1, 2]})}, T1))
    store.save("c", Snapshot({"a": pd.DataFrame({"x": [3]})}, T2, source="abc"))
    loaded = store.load("c")
    assert loaded.frames["a"]["x"].tolist() == [3] and (loaded.fetched_at, loaded.source) == (T2, "abc")
    for n in range(5):
        store.save("c", Snapshot({"a": pd.DataFrame({"x": [n]})}, T2))
    assert len([p for p in tmp_path.iterdir() if p.is_dir()]) == KEEP  # the newest few, never more


def test_a_reader_in_another_process_never_misses_the_files_its_pointer_named(tmp_path):
    """A follower reads the pointer, then the folder; the writer may replace the snapshot meanwhile."""
    writer = SnapshotStore(tmp_path)
    writer.save("c", Snapshot({"a": pd.DataFrame({"x": [0]})}, T1))
    pointer = (tmp_path / "c.current").read_text()  # read by the other process ...
    for n in range(KEEP - 1):  # ... while the writer saves again, and again
        writer.save("c", Snapshot({"a": pd.DataFrame({"x": [n]})}, T2))
    assert (tmp_path / pointer / "a.parquet").exists()


def test_missing_or_corrupt_snapshot_loads_as_none(tmp_path):
    store = SnapshotStore(tmp_path)
    assert store.load("c") is None
    store.save("c", Snapshot({"a": pd.DataFrame({"x": [1]})}, T1))
    (tmp_path / "c.current").write_text("does-not-exist")
    assert store.load("c") is None


@pytest.mark.fault
def test_killed_during_write_leaves_the_previous_snapshot(tmp_path):
    store = SnapshotStore(tmp_path)
    store.save("c", Snapshot({"a": pd.DataFrame({"x": [1, 2, 3]})}, T1))
    writer = textwrap.dedent(f"""
        import numpy as np, pandas as pd
        import datetime as dt
        from data.state.snapshots import KEEP, Snapshot, SnapshotStore
        store = SnapshotStore({str(tmp_path)!r})
        big = pd.DataFrame({{"x": np.arange(3_000_000), "y": np.random.rand(3_000_000)}})
        print("ready", flush=True)
        while True:
            store.save("c", Snapshot({{"a": big, "b": big}}, dt.datetime(2024, 3, 5, tzinfo=dt.timezone.utc)))
    """)
    process = subprocess.Popen([sys.executable, "-c", writer], stdout=subprocess.PIPE, cwd=os.getcwd())
    assert process.stdout.readline().strip() == b"ready"
    time.sleep(0.4)
    process.send_signal(signal.SIGKILL)
    process.wait()
    loaded = SnapshotStore(tmp_path).load("c")
    if loaded.fetched_at == T1:
        assert loaded.frames["a"]["x"].tolist() == [1, 2, 3]
    else:  # a later write completed before the kill: it must be whole
        assert len(loaded.frames["a"]) == len(loaded.frames["b"]) == 3_000_000


@pytest.mark.fault
def test_a_full_disk_leaves_the_previous_snapshot_and_no_half_made_files(tmp_path):
    """The disk full while writing (a file-size limit: the write fails with EFBIG, as with ENOSPC):
    the save fails, the previous snapshot still loads, and nothing half-written is left behind."""
    store = SnapshotStore(tmp_path)
    store.save("c", Snapshot({"a": pd.DataFrame({"x": [1, 2, 3]})}, T1))
    before = sorted(p.name for p in tmp_path.iterdir())
    writer = textwrap.dedent(f"""
        import datetime as dt, resource, signal
        import numpy as np, pandas as pd
        from data.state.snapshots import Snapshot, SnapshotStore
        signal.signal(signal.SIGXFSZ, signal.SIG_IGN)  # a write past the limit fails instead of killing
        resource.setrlimit(resource.RLIMIT_FSIZE, (200_000, resource.RLIM_INFINITY))
        big = pd.DataFrame({{"x": np.random.rand(500_000)}})
        try:
            SnapshotStore({str(tmp_path)!r}).save("c", Snapshot({{"a": big}}, dt.datetime(2024, 3, 5, tzinfo=dt.UTC)))
        except OSError as error:
            print("refused", error.errno)
    """)
    answer = subprocess.run([sys.executable, "-c", writer], capture_output=True, text=True, cwd=os.getcwd())
    assert answer.stdout.startswith("refused"), answer.stderr[-500:]
    assert sorted(p.name for p in tmp_path.iterdir()) == before
    assert SnapshotStore(tmp_path).load("c").frames["a"]["x"].tolist() == [1, 2, 3]
