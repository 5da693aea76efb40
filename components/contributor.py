"""One contributor: their numbers, their certificate, and why a name may not be in the ranking."""

from __future__ import annotations

import datetime as dt

import pandas as pd
import streamlit as st

from components import certificate_jobs, charts, i18n
from components.certificate import CertificateFacts, file_name
from components.downloads import download
from components.i18n import t, tn
from components.navigation import HOME, VERIFY, page_url
from components.safe import md_text
from data.config import CampaignConfig
from data.config.campaign import slug_of
from data.feeds.campaign_read import CampaignRead
from data.feeds.poller import FeedView, Mode
from data.model import credentials
from data.model.aggregate import Absence
from data.model.people import close_names
from data.times import utc_now


def contributor_card(me: pd.Series, gap: int | None, people: int, minimum: int, lang: str) -> None:
    """The person's rank among `people` ranked, their counts, the validations to the place above
    (`gap`, None at the top) and to the prize's `minimum`."""
    st.subheader(md_text(me["username"]), anchor=False)
    cells = st.columns(4)
    cells[0].metric(t(lang, "Puesto"), f"#{int(me['rank'])}", help=t(lang, "de {n}", n=people))
    cells[1].metric(t(lang, "Validaciones"), i18n.number(int(me["validations"]), lang))
    cells[2].metric(t(lang, "Correcciones"), i18n.number(int(me["corrections"]), lang))
    cells[3].metric(
        t(lang, "Para subir de puesto"),
        t(lang, "¡Vas primero!") if gap is None else i18n.number(gap, lang),
        help=t(lang, "Validaciones que te faltan para alcanzar el puesto de arriba."),
    )
    need = minimum - int(me["validations"])
    st.metric(
        t(lang, "Validaciones para el premio ({n})", n=minimum),
        t(lang, "Conseguido ✔") if need <= 0 else i18n.number(need, lang),
    )


def streak_and_calendar(grid: pd.DataFrame, days: int, lang: str) -> None:
    """The person's streak of `days` and their calendar of validations (`grid`)."""
    st.metric(
        t(lang, "Racha actual"),
        tn(lang, "{n} día", "{n} días", days, n=i18n.number(days, lang)),
        help=t(lang, "Días seguidos con al menos una validación, hasta hoy (UTC)."),
    )
    charts.activity_calendar(grid, lang, key="me.calendar")


def certificate_facts(
    me: pd.Series,
    table: pd.DataFrame,
    titles: tuple[str, ...],
    config: CampaignConfig,
    data_at: dt.datetime,
    key: bytes,
) -> CertificateFacts:
    """What a certificate states, with its signed ID and the address that verifies it."""
    issued = utc_now().date()
    credential = credentials.Credential(
        username=str(me["username"]),
        validations=int(me["validations"]),
        corrections=int(me["corrections"]),
        issued=issued,
        campaign=certificate_mark(config).tags,
    )
    credential_id = credentials.issue(credential, key)
    return CertificateFacts(
        name=str(me["username"]),
        rank=int(me["rank"]),
        contributors=len(table),
        validations=int(me["validations"]),
        corrections=int(me["corrections"]),
        datasets=titles,
        eligible=bool(me["eligible"]),
        campaign=config.title,
        start=config.start,
        end=config.end,
        minimum=config.min_validations_for_prize,
        data_at=data_at,
        issued=issued,
        verify_url=page_url(VERIFY, id=credential_id),
        credential_id=credential_id,
        issuer=config.site.name or "",
        hashtag=config.site.hashtag or "",
        board=config.site.board(config.title),
    )


def certificate_mark(config: CampaignConfig) -> credentials.CampaignMark:
    """What names this campaign in its certificates' IDs: its slug, and while that slug is made
    from the title (none of its own in campaign.toml), its datasets too (data/model/credentials.py)."""
    slug = config.slug or slug_of(config.title)
    return credentials.CampaignMark(
        slug=slug,
        datasets=tuple(dataset.name for dataset in config.datasets),
        own_slug=slug != slug_of(config.title),
        title=config.title,
    )


def certificate_button(facts: CertificateFacts, lang: str) -> None:
    """Download of the certificate, drawn only when asked for (it takes a moment)."""
    download(
        t(lang, "Descargar certificado (PDF)"),
        lambda: certificate_jobs.certificate(facts, lang),
        file_name(facts),
        icon="🎓",
        help=t(lang, "Un certificado de participación con tus números, para compartir."),
        on_click="ignore",
    )


def certificates_button(read: CampaignRead, key: bytes, lang: str) -> None:
    """Every eligible contributor's certificate in one ZIP: made when asked for, off the page
    process, with a progress bar meanwhile (components/certificate_jobs.py); kept for this read."""
    table = read.everyone()  # for the organizers: every eligible person, whatever they chose
    eligible = table[table["eligible"]]
    job_key = ("certificates", read.campaign.source, read.fetched_at, utc_now().date(), lang, page_url(HOME), key)

    def facts() -> list[CertificateFacts]:
        titles = read.datasets_by_user()
        return [
            certificate_facts(row, table, titles.get(row["username"], ()), read.config, read.fetched_at, key)
            for _, row in eligible.iterrows()
        ]

    st.caption(
        tn(
            lang,
            "Un PDF para la persona elegible para el premio, en un ZIP.",
            "Un PDF por cada una de las {n} personas elegibles para el premio, en un ZIP (cada certificado tarda "
            "una fracción de segundo).",
            len(eligible),
            n=i18n.number(len(eligible), lang),
        )
    )
    job = certificate_jobs.zip_job_of(job_key)
    if job is None or job.failed is not None:
        if job is not None:
            st.warning(
                t(lang, "No se pudo preparar el ZIP ({problem}). Puedes intentarlo de nuevo.", problem=job.failed)
            )
        if not st.button(
            t(lang, "Preparar certificados (ZIP)"), icon="🎓", disabled=eligible.empty, key="organizer.certificates"
        ):
            return
        job = certificate_jobs.zip_job(job_key, facts(), lang)
    if job.running:
        _zip_progress(job_key, lang)
    elif job.data is not None:
        made = job.data  # handed over on the click, not stored with every run of the page
        download(
            t(lang, "Descargar certificados (ZIP)"), lambda: made, "certificados.zip", icon="🎓", on_click="ignore"
        )


@st.fragment(run_every=1.0)
def _zip_progress(job_key: tuple, lang: str) -> None:
    """The ZIP's progress, drawn again each second (only this fragment); the page once it is made."""
    job = certificate_jobs.zip_job_of(job_key)
    if job is None or not job.running:
        st.rerun()  # the whole page: its download button replaces the bar
    assert job is not None
    done, total = i18n.number(job.done, lang), i18n.number(job.total, lang)
    st.progress(job.done / max(job.total, 1), text=t(lang, "{done} de {total} certificados", done=done, total=total))


def absence_explanation(
    name: str, why: Absence, view: FeedView, config: CampaignConfig, names: pd.Series, lang: str
) -> None:
    """Why `name` is not in the ranking, in plain words, and close names to pick instead."""
    st.warning(t(lang, "«{user}» no aparece en el ranking.", user=md_text(name)))
    reasons = []
    if why.excluded:
        reasons.append(t(lang, "Esta cuenta está excluida del ranking (organización o bots)."))
    if why.drafts:
        reasons.append(
            tn(
                lang,
                "Tienes {n} respuesta en borrador: envíala para que cuente.",
                "Tienes {n} respuestas en borrador: envíalas para que cuenten.",
                why.drafts,
                n=i18n.number(why.drafts, lang),
            )
        )
    if why.outside_window:
        reasons.append(
            tn(
                lang,
                "Tienes {n} validación fuera de las fechas de la campaña: no cuenta.",
                "Tienes {n} validaciones fuera de las fechas de la campaña: no cuentan.",
                why.outside_window,
                n=i18n.number(why.outside_window, lang),
            )
        )
    reasons.append(t(lang, "Solo cuentan las validaciones enviadas («Enviar»); los borradores no."))
    if config.start or config.end:
        window = " – ".join(i18n.date(day, lang) if day else "…" for day in (config.start, config.end))
        reasons.append(
            t(lang, "Solo cuentan las validaciones hechas durante la campaña: {window} (UTC).", window=window)
        )
    if view.mode != Mode.DEMO:
        reasons.append(t(lang, "Los datos son de {age}.", age=i18n.age(view.age, lang)) + " " + _next_read(view, lang))
    st.markdown("\n".join(f"- {reason}" for reason in reasons))
    close = [candidate for candidate in close_names(names, name) if candidate != name]
    if not close:
        return
    st.markdown(t(lang, "¿Quizás buscabas…?"))
    for index, (column, candidate) in enumerate(zip(st.columns(len(close)), close)):
        column.button(md_text(candidate, 40), key=f"me.suggestion.{index}", on_click=_pick, args=(candidate,))


def _pick(name: str) -> None:
    """A close name chosen: it becomes the picked one before the page runs again."""
    st.session_state["me.user"] = st.session_state["me.pick"] = name


def _next_read(view: FeedView, lang: str) -> str:
    next_at = view.state.next_at if view.state is not None else None
    if next_at is None:
        return t(lang, "La próxima lectura llega en breve.")
    return t(lang, "La próxima lectura llega {when}.", when=i18n.age(utc_now() - next_at, lang))
