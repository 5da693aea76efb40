"""Hold N concurrent sessions on `streamlit run app.py` and count upstream fetches.

    .venv/bin/python -m bench.load [sessions] [seconds] [refresh_seconds] [think_min] [think_max]

A real argilla-server with a small campaign sits behind a counting proxy; the app polls it every
`refresh_seconds`. N sessions are real Streamlit websocket clients (the protocol the browser
speaks: BackMsg `rerun_script` in, ForwardMsg deltas out, until `script_finished`), each asking
for page after page, with a short pause like a reader, for `seconds`. Reports errors, p50/p95
page-ready time (request sent -> script finished, server side), peak memory of the Streamlit
process and the upstream polls per interval, which must not grow with N.
"""

from __future__ import annotations

import asyncio
import random
import statistics
import sys
import tempfile
import time
from pathlib import Path

import websockets
from streamlit.proto.BackMsg_pb2 import BackMsg
from streamlit.proto.ForwardMsg_pb2 import ForwardMsg

from bench.common import machine
from components.navigation import HOME
from components.navigation import PAGES as NAVIGATION
from tests.app_env import write_config
from tests.campaign_builder import DatasetSpec, build_campaign
from tests.servers.argilla_process import ArgillaTestServer
from tests.servers.counting_proxy import CountingProxy
from tests.streamlit_process import StreamlitApp

PAGES = [  # every public page, as (path, query)
    ("" if spec is HOME else spec.url, "user=ana" if spec.url == "mi-posicion" else "")
    for spec in NAVIGATION
    if spec.url != "organizacion"
]


def peak_rss_mib(pid: int) -> float:
    for line in open(f"/proc/{pid}/status"):
        if line.startswith("VmHWM"):
            return int(line.split()[1]) / 1024
    return float("nan")


async def session(url: str, deadline: float, seed: int, ready: list, errors: list, think: tuple) -> None:
    rng = random.Random(seed)
    await asyncio.sleep(seed * 0.2)  # visitors arrive over 10 s, not in the same millisecond
    try:
        # no client pings: a browser sends none either (a late pong would close the socket)
        async with websockets.connect(
            url.replace("http", "ws") + "/_stcore/stream",
            subprotocols=["streamlit"],
            max_size=None,
            open_timeout=120,
            ping_interval=None,
        ) as socket:
            while time.monotonic() < deadline:
                page, query = rng.choice(PAGES)
                message = BackMsg()
                message.rerun_script.page_name = page
                message.rerun_script.query_string = query
                sent = time.monotonic()
                await socket.send(message.SerializeToString())
                while True:
                    forward = ForwardMsg.FromString(await asyncio.wait_for(socket.recv(), 120))
                    if (
                        forward.WhichOneof("type") == "delta"
                        and forward.delta.new_element.WhichOneof("type") == "exception"
                    ):
                        errors.append("exception element")
                    # 0: the page run finished (1: it failed); 2 and 3 are interrupted or fragment runs
                    if forward.WhichOneof("type") == "script_finished" and forward.script_finished in (0, 1):
                        break
                ready.append(time.monotonic() - sent)
                await asyncio.sleep(rng.uniform(*think))
    except Exception as error:  # a dropped or timed-out session is an error of the run
        errors.append(type(error).__name__)


async def hold(url: str, sessions: int, seconds: float, think: tuple) -> tuple[list, list]:
    ready, errors = [], []
    deadline = time.monotonic() + seconds
    await asyncio.gather(*(session(url, deadline, i, ready, errors, think) for i in range(sessions)))
    return ready, errors


def main(sessions: float, seconds: float, refresh: float, think_min: float, think_max: float) -> None:
    server = ArgillaTestServer().start()
    workdir = Path(tempfile.mkdtemp(prefix="load-"))
    try:
        import argilla as rg

        client = rg.Argilla(api_url=server.api_url, api_key=server.api_key)
        plan = build_campaign(
            client,
            "load",
            [DatasetSpec("load_a", "texto", "ref", 2, 150), DatasetSpec("load_b", "texto", None, 1, 150)],
            ["ana", "beto", "carla", "dani"],
            seed=3,
        )
        config = write_config(workdir / "campaign.toml", plan, refresh=int(refresh))
        proxy = CountingProxy(server.api_url)
        app = StreamlitApp(
            {
                "ARGILLA_API_URL": proxy.url,
                "ARGILLA_API_KEY": server.api_key,
                "CAMPAIGN_CONFIG": str(config),
                "DATA_DIR": str(workdir / "data"),
            },
            workdir / "streamlit.log",
        ).start()
        try:
            asyncio.run(hold(app.url, 1, 3, (0, 0)))  # first session: imports and the first read
            started = time.monotonic()
            ready, errors = asyncio.run(hold(app.url, int(sessions), seconds, (think_min, think_max)))
            elapsed = time.monotonic() - started
            polls = proxy.polls_since(started)
        finally:
            peak = peak_rss_mib(app.process.pid)
            app.stop()
            proxy.stop()
        ready.sort()
        reads = sum(n for key, n in proxy.counts.items() if key.endswith("/records"))
        print(f"machine: {machine()}")
        print(
            f"{sessions} concurrent sessions for {elapsed:.0f} s, {len(ready)} page runs "
            f"({len(ready) / elapsed:.1f}/s), a pause of {think_min:g}-{think_max:g} s between pages, "
            f"refresh every {refresh} s"
        )
        print(f"errors: {len(errors)} {sorted(set(errors))}")
        print(
            f"page-ready (server side): p50 {statistics.median(ready) * 1000:.0f} ms, "
            f"p95 {ready[int(len(ready) * 0.95) - 1] * 1000:.0f} ms"
        )
        print(
            f"upstream polls: {polls} in {elapsed:.0f} s = {polls / (elapsed / refresh):.2f} per interval; "
            f"record-page reads in the whole run: {reads}; all upstream requests: {sum(proxy.counts.values())}"
        )
        print(f"peak RSS of the streamlit process: {peak:.0f} MiB")
    finally:
        server.stop()


if __name__ == "__main__":
    args = [float(a) for a in sys.argv[1:]]
    main(*(args + [50, 60, 10, 5, 15][len(args) :]))
