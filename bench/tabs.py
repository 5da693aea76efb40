"""Browser-like load clients: what an open tab of the dashboard does, over the wire, without drawing.

A `Tab` does for one page what Chromium does:
- on arrival (a new visitor: empty cache, no cookie), GET the page and every script and stylesheet
  its HTML names, keeping the cookies the answers set (nginx's sticky cookie);
- open Streamlit's websocket (`/_stcore/stream`, with those cookies) and ask for the page
  (BackMsg `rerun_script`);
- honour AutoRerun: every `st.fragment(run_every=…)` the page registers is rerun at its interval,
  as the browser's timer does (`ClientState.fragment_id`, `is_auto_rerun`), until the next full run;
- run what the page runs client-side: the live-status component's loop, which asks
  `/_tablero/changes` whether the page's fingerprint moved and, when it did, reruns the page with
  the component's trigger (as `setTriggerValue` does).
A tab records the page runs it asked for (request sent -> `script_finished`) and the metrics the
page showed it, with when they changed.
"""

from __future__ import annotations

import asyncio
import json
import re
import ssl
import time
from collections import Counter
from dataclasses import dataclass, field
from urllib.parse import urlencode

import httpx
import websockets
from streamlit.proto.BackMsg_pb2 import BackMsg
from streamlit.proto.ForwardMsg_pb2 import ForwardMsg

LIVE_STATUS = "tablero.live_status"
WHOLE_RUN_ENDS = (ForwardMsg.FINISHED_SUCCESSFULLY, ForwardMsg.FINISHED_WITH_COMPILE_ERROR)  # not fragments
_TLS = ssl.create_default_context()  # one for every tab's client (loading it costs milliseconds)
ASSETS = re.compile(r'(?:src|href)="\.?/?(static/[^"]+\.(?:js|css))"')


@dataclass
class Stats:
    """What every tab of a run saw, counted together."""

    page_runs: list[float] = field(default_factory=list)  # seconds, the runs people asked for
    first_pages: list[float] = field(default_factory=list)  # arrival -> first page finished
    runs: Counter = field(default_factory=Counter)  # "asked", "auto_rerun", "changed": page runs by cause
    errors: list[str] = field(default_factory=list)


class Tab:
    def __init__(self, base: str, path: str, query: str, stats: Stats):
        self.base, self.path, self.query = base.rstrip("/"), path, query
        self.stats = stats
        # Each tab its own connections, as each visitor's browser has: one client pool shared by a
        # thousand parked requests spends seconds matching requests to connections (httpcore scans
        # them all on every change) and stalls every tab at once — the bench's cost, not the server's.
        self.http = httpx.AsyncClient(verify=_TLS, limits=httpx.Limits(max_connections=6), timeout=httpx.Timeout(180))
        self.cookies: dict[str, str] = {}
        self.metrics: dict[str, tuple[str, float]] = {}  # label -> (value, when it was last drawn)
        self.told: list[float] = []  # when the live-status loop heard that the page changed
        self.socket = None
        self._finished = asyncio.Event()
        self._timers: dict[str, tuple[asyncio.Task, float]] = {}  # fragment -> (its timer, interval)
        self._watch: asyncio.Task | None = None
        self._script_hash = ""
        self._closed = False

    # --- arriving ---------------------------------------------------------------------------------
    async def arrive(self, fetch_assets: bool = True) -> float:
        """A new visitor: the page's HTML and assets, the websocket, the first page run. Seconds."""
        started = time.monotonic()
        answer = await self._get(f"/{self.path}" + (f"?{self.query}" if self.query else ""))
        if fetch_assets:
            await self._fetch_assets(["/" + asset for asset in set(ASSETS.findall(answer.text))])
        headers = {"Cookie": self._cookie_header()} if self.cookies else {}
        self.socket = await websockets.connect(
            self.base.replace("http", "ws", 1) + "/_stcore/stream",
            subprotocols=["streamlit"],
            additional_headers=headers,
            max_size=None,
            open_timeout=180,
            ping_interval=None,  # a browser sends no pings (the server does)
            close_timeout=2,
        )
        self._reader = asyncio.create_task(self._read())
        await self._run_page(cause="asked")
        seconds = time.monotonic() - started
        self.stats.first_pages.append(seconds)
        return seconds

    async def navigate(self, path: str, query: str = "") -> float:
        """A reader going to another page (seconds until it is drawn)."""
        self.path, self.query = path, query
        started = time.monotonic()
        await self._run_page(cause="asked")
        return time.monotonic() - started

    async def close(self) -> None:
        self._closed = True
        self._stop_timers(list(self._timers))
        if self._watch is not None:
            self._watch.cancel()
        if self.socket is not None:
            await self.socket.close()
        await self.http.aclose()

    # --- the protocol -------------------------------------------------------------------------
    async def _run_page(self, cause: str, widgets=None, fragment: str = "") -> None:
        message = BackMsg()
        rerun = message.rerun_script
        rerun.page_name, rerun.query_string = self.path, self.query
        if fragment:
            rerun.fragment_id, rerun.is_auto_rerun, rerun.page_script_hash = fragment, True, self._script_hash
        for widget in widgets or ():
            rerun.widget_states.widgets.append(widget)
        self._finished.clear()
        sent = time.monotonic()
        await self.socket.send(message.SerializeToString())
        if cause == "asked":
            await asyncio.wait_for(self._finished.wait(), 300)
            self.stats.page_runs.append(time.monotonic() - sent)
        self.stats.runs[cause] += 1

    async def _read(self) -> None:
        try:
            async for raw in self.socket:
                self._on(ForwardMsg.FromString(raw))
        except websockets.ConnectionClosed:
            if not self._closed:
                self.stats.errors.append("connection closed")
        except Exception as error:
            self.stats.errors.append(type(error).__name__)

    def _on(self, message: ForwardMsg) -> None:
        kind = message.WhichOneof("type")
        if kind == "new_session":
            self._script_hash = message.new_session.page_script_hash
            if not message.metadata.run.fragment_ids:  # a full run: its fragments register again
                self._stop_timers(list(self._timers))
        elif kind == "auto_rerun":  # as the frontend's handleAutoRerun: one timer per fragment
            rerun = message.auto_rerun
            held = self._timers.get(rerun.fragment_id)
            if held is None or held[1] != rerun.interval:
                self._stop_timers([rerun.fragment_id])
                timer = asyncio.create_task(self._every(rerun.interval, rerun.fragment_id))
                self._timers[rerun.fragment_id] = (timer, rerun.interval)
        elif kind == "stop_auto_rerun":
            self._stop_timers(list(message.stop_auto_rerun.fragment_ids))
        elif kind == "delta" and message.delta.WhichOneof("type") == "new_element":
            self._element(message.delta.new_element)
        elif kind == "script_finished" and message.script_finished in WHOLE_RUN_ENDS:
            self._finished.set()

    def _stop_timers(self, fragments: list[str]) -> None:
        for fragment in fragments:
            held = self._timers.pop(fragment, None)
            if held is not None:
                held[0].cancel()

    def _element(self, element) -> None:
        which = element.WhichOneof("type")
        if which == "metric":
            now = (element.metric.body, time.monotonic())
            if self.metrics.get(element.metric.label, ("",))[0] != now[0]:
                self.metrics[element.metric.label] = now
        elif which == "bidi_component" and element.bidi_component.component_name == LIVE_STATUS:
            data = json.loads(element.bidi_component.json)
            if self._watch is not None:  # new data: the component's script is run again
                self._watch.cancel()
            if data.get("key"):
                self._watch = asyncio.create_task(self._follow(data, element.bidi_component.id))

    async def _every(self, interval: float, fragment: str) -> None:
        while not self._closed:
            await asyncio.sleep(interval)
            await self._run_page(cause="auto_rerun", fragment=fragment)

    async def _follow(self, data: dict, element_id: str) -> None:
        """The live-status component's loop (components/live_status.py), as the page runs it."""
        from streamlit.proto.WidgetStates_pb2 import WidgetState

        failures = 0
        while not self._closed:
            try:
                answer = await self.http.get(
                    self.base + data["endpoint"] + "?" + urlencode({"k": data["key"], "v": data["version"]}),
                    headers={"Cookie": self._cookie_header()},
                    timeout=httpx.Timeout(10, read=data["hold"] + 60),
                )
                if answer.status_code == 200:
                    body = answer.json()
                    if body["v"] != data["version"]:
                        self.told.append(time.monotonic())
                        trigger = WidgetState(id=f"$$STREAMLIT_INTERNAL_KEY_{element_id}__events")
                        trigger.json_trigger_value = json.dumps([{"event": "changed", "value": body["v"]}])
                        await self._run_page(cause="changed", widgets=[trigger])
                        return
                    failures = 0
                else:
                    failures += 1
            except (httpx.HTTPError, websockets.ConnectionClosed):
                failures += 1
            if failures:
                await asyncio.sleep(min(60, 2 * 2**failures))

    async def _get(self, path: str) -> httpx.Response:
        answer = await self.http.get(
            self.base + path, headers={"Cookie": self._cookie_header()} if self.cookies else {}
        )
        for value in answer.headers.get_list("set-cookie"):
            name, _, rest = value.partition("=")
            self.cookies[name.strip()] = rest.split(";", 1)[0]
        return answer

    async def _fetch_assets(self, paths: list[str]) -> None:
        """The page's scripts and stylesheets as a browser's network process gets them: over six
        keep-alive connections, compressed, each read to its end. Plain sockets, not httpx: a
        browser does this in native code, and sixty requests per arrival through a Python HTTP
        client cost the bench more CPU than the server spends on the whole arrival (BENCHMARKS.md)."""
        pending = list(paths)
        await asyncio.gather(*(self._fetch_over_one_connection(pending) for _ in range(min(6, len(pending)))))

    async def _fetch_over_one_connection(self, pending: list[str]) -> None:
        url = httpx.URL(self.base)
        reader, writer = await asyncio.open_connection(url.host, url.port or 80)
        try:
            while pending:
                path = pending.pop()
                request = (
                    f"GET {path} HTTP/1.1\r\nHost: {url.host}:{url.port}\r\nAccept-Encoding: gzip\r\n"
                    f"Cookie: {self._cookie_header()}\r\n\r\n"
                )
                writer.write(request.encode())
                head = (await reader.readuntil(b"\r\n\r\n")).decode("latin-1").lower()
                length = re.search(r"\r\ncontent-length: *(\d+)", head)
                if length:
                    await reader.readexactly(int(length.group(1)))
                else:  # chunked (Streamlit's own server, without nginx in front)
                    while size := int((await reader.readuntil(b"\r\n")).split(b";")[0], 16):
                        await reader.readexactly(size + 2)
                    await reader.readuntil(b"\r\n")
        finally:
            writer.close()

    def _cookie_header(self) -> str:
        return "; ".join(f"{name}={value}" for name, value in self.cookies.items())


async def arrive_all(tabs: list[Tab], over: float, fetch_assets: bool) -> None:
    async def one(index: int, tab: Tab) -> None:
        await asyncio.sleep(index * over / max(len(tabs), 1))
        try:
            await tab.arrive(fetch_assets)
        except Exception as error:  # a visitor who never got a page is an error of the run
            answer = getattr(error, "response", None)  # a refused websocket: with which status
            status = f" {answer.status_code}" if hasattr(answer, "status_code") else ""
            tab.stats.errors.append(f"arrival: {type(error).__name__}{status}")

    await asyncio.gather(*(one(i, tab) for i, tab in enumerate(tabs)))
