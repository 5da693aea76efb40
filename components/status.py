"""How fresh the data is: the line above every page, and the first-read state.

The line says live, stale (what is wrong, how old the data is), restored-and-updating, or demo;
it is drawn by the live-status component, which keeps its age true in the page and reruns the
page when what it shows changes (components/live_status.py). The first-read state replaces a page
while a live feed has nothing to show yet: what is being read and since when, or why the first
read failed. It never shows a figure.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import streamlit as st

from components import i18n
from components.i18n import t
from components.safe import md_text
from data.errors import SourceError
from data.feeds.poller import FeedView
from data.feeds.sync import SyncStatus
from data.text import shorten
from data.times import utc_now

if TYPE_CHECKING:
    from data.live.updates import LiveMode


def problem_text(error: SourceError, lang: str, markdown: bool = True) -> str:
    """What went wrong, in words (as Markdown, or as plain text for the live-status line)."""
    detail = md_text(error.detail, 120) if markdown else shorten(error.detail, 120)
    return t(lang, f"error.{error.kind.value}", detail=detail)


def config_error_banner(error: str | None, lang: str) -> None:
    if error:
        st.error(t(lang, "status.config", problem=md_text(error, 300)), icon="⚠️")


def freshness(view: FeedView, lang: str, mode: LiveMode | None = None, every: int = 0) -> tuple[str, str]:
    """The data's state as plain text, with `{age}` where the data's age goes, and its tone ("" for
    a caption, "warn" for a warning); for a live campaign also how it stays current (webhooks or
    polling, and why). Empty while there is no data (the first-read state says it all)."""
    state = view.state
    if view.mode == "stale" and state.error is not None:
        problem = problem_text(state.error, lang, markdown=False)
        return t(lang, "status.stale", age="{age}", problem=problem) + " " + t(lang, "status.next"), "warn"
    if view.mode == "stale":
        return "🕓 " + t(lang, "status.restored", age="{age}"), ""
    if view.mode == "live":
        return "🟢 " + t(lang, "status.live", age="{age}") + live_text(mode, every, lang), ""
    return "", ""


def demo_banner(view: FeedView, kind: str, org: str | None, lang: str) -> None:
    """Which data is invented, and why: the campaign's (no Argilla configured), or the projects'
    (no org configured, or the org's real projects not read yet: being read, or why not)."""
    if kind != "projects":
        text = t(lang, "status.demo")
    elif not org:
        text = t(lang, "status.demo_projects_no_org")
    elif view.state is not None and view.state.error is not None:
        problem = problem_text(view.state.error, lang).rstrip(".")
        text = t(lang, "status.demo_projects_failed", org=md_text(org, 96), problem=problem)
    else:
        text = t(lang, "status.demo_projects_reading", org=md_text(org, 96))
    st.info(text, icon="🧪")


def live_text(mode: LiveMode | None, every: int, lang: str) -> str:
    if mode is None:
        return ""
    if mode.kind == "webhooks" and mode.reason is None:
        return " · " + t(lang, "live.webhooks")
    polling = " · " + t(lang, "live.polling", seconds=every)
    return polling + (" " + t(lang, f"live.{mode.reason}") if mode.reason else "")


def first_read_state(view: FeedView, kind: str, lang: str) -> None:
    """In place of a page whose feed has no data yet (`view.mode` "first_read" or "off")."""
    st.subheader(t(lang, "first.title"), anchor=False)
    if view.mode == "off":
        st.info(t(lang, f"first.off.{kind}"))
        return
    state = view.state
    if state.error is not None:
        st.warning(t(lang, "status.failed", problem=problem_text(state.error, lang)) + " " + t(lang, "status.next"))
    progress = state.progress
    if progress is not None:
        st.markdown(
            t(
                lang,
                f"first.progress.{kind}",
                step=progress.step,
                steps=progress.steps,
                label=md_text(progress.label, 60),
                records=i18n.number(progress.records, lang),
            )
        )
    else:
        st.markdown(t(lang, f"first.starting.{kind}"))
    # a moment, not an age: this text is drawn once and stays until the data arrives
    st.caption(t(lang, "first.since", when=i18n.datetime(view.since, lang)) + " " + t(lang, "first.auto"))


def storage_status(status: SyncStatus | None, lang: str) -> None:
    """For organizers: whether the state is kept on the Hub, and what is wrong if it is not."""
    if status is None:
        return
    repo = md_text(status.repo, 100)
    if status.newer_format:
        st.warning(t(lang, "storage.newer", repo=repo), icon="💾")
    elif status.error is not None:
        kind = status.error.kind.value
        problem = t(lang, f"storage.{kind}") if kind in ("auth", "forbidden") else problem_text(status.error, lang)
        st.warning(t(lang, "storage.failed", repo=repo, problem=problem) + " " + t(lang, "status.next"), icon="💾")
    else:
        when = {
            key: i18n.age(utc_now() - moment, lang) if moment else "—"
            for key, moment in (("restored", status.restored_at), ("written", status.written_at))
        }
        key = "storage.ok" if status.writer else "storage.reader"
        st.caption("💾 " + t(lang, key, repo=repo, **when))
