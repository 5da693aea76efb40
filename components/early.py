"""A cold start's first look (feed mode "early"): while the campaign's first full read goes on, the
pages a visitor most often comes for show Argilla's own counts (data.model.frames.Campaign.provisional):
ranks, validations, discards and datasets, which are exact, and say which figures are still being
computed. Every other page waits for the full read. The page replaces itself when it lands."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from components import i18n
from components.i18n import t
from components.navigation import MY_RANK, OVERVIEW, RANKING, TOP, PageSpec
from components.safe import md_text
from components.status import problem_text
from components.tables import draw
from data.feeds.poller import FeedView
from data.model.columns import BY_NAME

EARLY_PAGES = frozenset({OVERVIEW, RANKING, MY_RANK, TOP})  # what Argilla's counts are enough for
COLUMNS = tuple(BY_NAME[name] for name in ("rank", "username", "validations", "discarded", "datasets", "eligible"))


def early_notice(view: FeedView, lang: str) -> None:
    """What this first look holds, what is on its way, and how far the full read got."""
    text = t(
        lang,
        "Primer vistazo: puestos, validaciones y descartes son los que cuenta Argilla ahora mismo. "
        "Las correcciones, la actividad, el progreso y las demás páginas llegan con la lectura "
        "completa; esta página se actualizará sola.",
    )
    state = view.state
    if state is not None and state.error is not None:
        problem = problem_text(state.error, lang, markdown=False).rstrip(".")
        text += " " + t(lang, "La lectura completa falló ({problem}); se reintentará.", problem=problem)
    elif state is not None and state.progress is not None:
        label, records = md_text(state.progress.label, 60), state.progress.records
        text += " " + (
            t(lang, "Leyendo {label}: {records} registros.", label=label, records=i18n.number(records, lang))
            if records
            else t(lang, "Leyendo {label}…", label=label)  # its first page asked for: no "0 records" to read as stuck
        )
    st.info(text, icon="⏳")


def early_page(spec: PageSpec, table: pd.DataFrame, people: int, view: FeedView, user: str | None, lang: str) -> None:
    """`spec`'s page from Argilla's counts: `table` the public ranking, `people` everyone ranked."""
    st.title(t(lang, spec.title), anchor=False)
    early_notice(view, lang)
    if spec == MY_RANK and user:
        _person(table, user, people, lang)
    if table.empty:
        st.info(t(lang, "Nadie ha validado todavía en este periodo."))
        return
    shown = table.head(10) if spec in (OVERVIEW, TOP) else table
    draw(COLUMNS, shown, lang, key=f"early.{spec.url}", medals=True, height=600 if len(shown) > 10 else "auto")


def _person(table: pd.DataFrame, user: str, people: int, lang: str) -> None:
    """One person's rank and validations (matched on the whole name), or that they are not ranked."""
    row = table[table["username"] == user]
    if row.empty:
        st.warning(t(lang, "«{user}» no aparece en el ranking.", user=md_text(user)))
        return
    me = row.iloc[0]
    st.subheader(md_text(user), anchor=False)
    cells = st.columns(3)
    cells[0].metric(t(lang, "Puesto"), f"#{int(me['rank'])}", help=t(lang, "de {n}", n=people))
    cells[1].metric(t(lang, "Validaciones"), i18n.number(int(me["validations"]), lang))
    cells[2].metric(t(lang, "Correcciones"), "…", help=t(lang, "Se están calculando."))
