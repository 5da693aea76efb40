"""This week's and this month's places, and the weekly goals: encouragement, never a lost streak."""

from __future__ import annotations

import streamlit as st

from components import i18n
from components.i18n import t, tn
from data.model.ranking import Goal, Standing
from data.model.texts import N_

PERIOD_NAMES = {"week": N_("Esta semana"), "month": N_("Este mes"), "7d": N_("Últimos 7 días")}


def windowed_places(standings: tuple[Standing, ...], lang: str) -> None:
    """A person's place in each windowed ranking ("#3 esta semana"): a newcomer can lead a week."""
    if not standings:
        return
    cells = st.columns(len(standings))
    for cell, place in zip(cells, standings, strict=True):
        cell.metric(
            t(lang, PERIOD_NAMES[place.period]),
            "—" if place.rank is None else f"#{place.rank}",
        )
        count = place.validations
        cell.caption(tn(lang, "{n} validación", "{n} validaciones", count, n=i18n.number(count, lang)))


def campaign_goal(goal: Goal | None, lang: str) -> None:
    """The campaign's validations this week against its weekly goal."""
    if goal is None:
        return
    done, target = i18n.number(goal.done, lang), i18n.number(goal.target, lang)
    st.progress(
        goal.share,
        text=t(lang, "Esta semana: {done} de {target} validaciones (objetivo semanal)", done=done, target=target),
    )
    if not goal.left:
        st.caption(t(lang, "¡Objetivo semanal alcanzado! Cada validación de más también cuenta."))


def personal_goal(goal: Goal | None, lang: str) -> None:
    """One person's validations this week against the weekly goal for each person."""
    if goal is None:
        return
    done, target, left = (i18n.number(n, lang) for n in (goal.done, goal.target, goal.left))
    if not goal.left:
        text = t(
            lang,
            "¡Objetivo semanal cumplido: {done} validaciones esta semana (objetivo: {target})!",
            done=done,
            target=target,
        )
    elif goal.done == 0:
        text = t(
            lang, "Esta semana empieza de cero para todos: el objetivo semanal es {target} validaciones.", target=target
        )
    else:
        text = t(
            lang,
            "Esta semana llevas {done}; te faltan {left} para el objetivo semanal ({target}).",
            done=done,
            left=left,
            target=target,
        )
    st.progress(goal.share, text=text)
