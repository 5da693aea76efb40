"""The freshness line above every page, and what keeps an open page current without costing the
server anything while nothing changes.

The line is drawn by a small client-side component (`st.components.v2`): the page's JavaScript
keeps its age true ("hace 12 s") by itself, and asks the app's own `/_tablero/changes` whether the
fingerprint of what the page shows (`data.model.digests`) is still the one it was drawn with. That
request waits on the server, costing nothing, until the fingerprint changes or `HOLD` seconds
pass; only then does the page rerun, once. There is no timer on the server per open tab.
"""

from __future__ import annotations

import streamlit as st

from components.navigation import MY_RANK, ORGANIZER, FeedKind, PageSpec
from data.model.digests import user_key
from data.routes import CHANGES

HOLD = 25.0  # seconds a question waits on the server for a change before it is answered "unchanged"

_CSS = """
.tablero-status { font-size: 0.875rem; line-height: 1.5; margin: 0 0 0.25rem 0; color: #5c5758; }
.tablero-status.warn { color: #3d2e00; background: #fff6d6; border-radius: 0.5rem; padding: 0.75rem 1rem; }
.tablero-status.info { color: #0b3660; background: #e8f2fc; border-radius: 0.5rem; padding: 0.75rem 1rem; }
.tablero-status:empty { display: none; }
"""

_JS = r"""
export default function (component) {
  const { data, parentElement, setTriggerValue } = component;
  const box = parentElement.querySelector(".tablero-status");
  // Streamlit calls this again with each run's data on the same element, and the cleanup returned
  // below only when the element goes: stop what the previous run's call started (its age ticker
  // would go on drawing that run's text, its loop asking with that run's version).
  if (box.tableroStop) box.tableroStop();
  const stopped = new AbortController();
  let at = data.at ? Date.parse(data.at) : null;
  box.className = "tablero-status " + (data.tone || "");
  box.setAttribute("role", "status");

  const units = [["second", 1, 60], ["minute", 60, 66 * 60], ["hour", 3600, 26.4 * 3600], ["day", 86400, Infinity]];
  const relative = new Intl.RelativeTimeFormat(data.lang, { numeric: "always" });
  function age() {
    const seconds = Math.max(1, Math.round((Date.now() - at) / 1000));
    const [unit, size] = units.find(([, , limit]) => seconds < limit);
    return relative.format(-Math.round(seconds / size), unit);
  }
  function draw() {
    const parts = data.text.split("{age}");
    box.textContent = "";
    parts.forEach((part, i) => {
      box.append(part);
      if (i < parts.length - 1) {
        const time = document.createElement("time");
        if (at) time.dateTime = new Date(at).toISOString();
        time.textContent = at ? age() : data.age;
        box.append(time);
      }
    });
  }
  draw();
  const ticker = setInterval(() => { if (at) draw(); }, 10000);

  const pause = (ms) => new Promise((done) => setTimeout(done, ms));
  (async () => {
    let failures = 0;
    while (!stopped.signal.aborted && data.key) {
      try {
        const query = new URLSearchParams({ k: data.key, v: data.version });
        const answer = await fetch(`${data.endpoint}?${query}`, { signal: stopped.signal, cache: "no-store" });
        if (answer.status === 200) {
          const body = await answer.json();
          if (body.at) { at = Date.parse(body.at); draw(); }
          if (body.v !== data.version) { setTriggerValue("changed", body.v); return; }
          failures = 0;
        } else {
          failures += 1;
        }
      } catch (error) {
        if (stopped.signal.aborted) return;
        failures += 1;
      }
      if (failures) await pause(Math.min(60000, 2000 * 2 ** failures) * (0.5 + Math.random()));
    }
  })();
  box.tableroStop = () => { stopped.abort(); clearInterval(ticker); };
  return box.tableroStop;
}
"""

_status = st.components.v2.component(
    "tablero.live_status", html='<div class="tablero-status"></div>', css=_CSS, js=_JS, isolate_styles=False
)


def view_key(spec: PageSpec) -> str:
    """Which fingerprint a page follows: one person's (Mi posición), the organizers' (the campaign
    and the storage), the projects', or the campaign's."""
    if spec is MY_RANK:
        name = st.session_state.get("me.pick") or st.session_state.get("me.user") or st.query_params.get("user")
        return user_key(str(name)) if name else "c"
    if spec is ORGANIZER:
        return "o"
    return "p" if spec.feed == FeedKind.PROJECTS else "c"


def live_status(text: str, tone: str, lang: str, key: str, version: str, at: str | None, age: str):
    """The freshness line (`text` with `{age}` where the data's age goes: `age` now, kept true by the
    page from `at`), following `key` of the app's fingerprints from `version` on; `tone`: "" (a
    caption), "warn" or "info" (a box). The page reruns when the fingerprint moves."""
    data = {
        "text": text,
        "tone": tone,
        "lang": lang,
        "key": key,
        "version": version,
        "at": at,
        "age": age,
        "endpoint": _endpoint(),
        "hold": HOLD,
    }
    return _status(data=data, key="live_status", on_changed_change=lambda: None, height="content")


def _endpoint() -> str:
    base = (st.get_option("server.baseUrlPath") or "").strip("/")
    return f"/{base}{CHANGES}" if base else CHANGES
