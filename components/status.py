"""How fresh the data is: the line above every page, and the first-read state.

The line says live, stale (what is wrong, how old the data is), restored-and-updating, or demo;
it is drawn by the live-status component, which keeps its age true in the page and reruns the
page when what it shows changes (components/live_status.py). The first-read state replaces a page
while a live feed has nothing to show yet: what is being read and since when, or why the first
read failed. It never shows a figure.
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd
import streamlit as st

from components import i18n
from components.i18n import t, tn
from components.navigation import FeedKind
from components.projects_view import KIND_NAMES
from components.safe import md_text
from data.errors import ErrorKind, SourceError
from data.feeds.open_data import PublishStatus
from data.feeds.poller import FeedView, Mode
from data.feeds.sync import SyncStatus
from data.model.live import Live, LiveMode, Reason
from data.model.texts import N_
from data.text import shorten
from data.times import utc_now

ERRORS = {  # every ErrorKind in words
    ErrorKind.UNREACHABLE: N_("no se puede conectar con el servidor."),
    ErrorKind.TIMEOUT: N_("el servidor tardó demasiado en responder."),
    ErrorKind.AUTH: N_("la clave de API no es válida (¿se rotó?)."),
    ErrorKind.FORBIDDEN: N_("la clave no tiene permiso para estos datos (Argilla pide rol owner o admin)."),
    ErrorKind.MISSING_DATASET: N_("no existe el dataset «{detail}»."),
    ErrorKind.MISSING_QUESTION: N_("no existe la pregunta «{detail}»."),
    ErrorKind.SERVER_ERROR: N_("el servidor respondió con un error ({detail})."),
    ErrorKind.RATE_LIMITED: N_("el servidor pide menos peticiones (límite alcanzado); se reintentará más tarde."),
    ErrorKind.BAD_DATA: N_("el servidor devolvió datos inesperados."),
    ErrorKind.MISSING_FILE: N_(
        "no se encuentra el archivo «{detail}» (si el repo es privado, HF_TOKEN debe poder leerlo)."
    ),
    ErrorKind.BAD_FILE: N_("el archivo no es un roster válido: {detail}."),
    ErrorKind.SHARED_STATE: N_("no se puede leer el estado que comparten las réplicas del tablero (Redis)."),
}
STORAGE_ERRORS = {
    ErrorKind.AUTH: N_("el token HF_TOKEN falta o no es válido."),
    ErrorKind.FORBIDDEN: N_(
        "el token HF_TOKEN no puede escribir en el repo (¿es de solo lectura?); el "
        "tablero sigue funcionando con su copia local."
    ),
}
LIVE_REASONS = {  # why the page polls rather than follows webhooks (data/live/updates.py)
    Reason.STARTING: N_("(webhooks: suscribiéndose…)"),
    Reason.NO_URL: N_("(webhooks no disponibles: falta la URL pública del tablero)"),
    Reason.FORBIDDEN: N_("(webhooks no disponibles: la clave no es de owner o admin)"),
    Reason.UNSUPPORTED: N_("(webhooks no disponibles: el servidor Argilla es anterior a 2.5)"),
    Reason.DELETED: N_("(el webhook del tablero se borró o desactivó en Argilla)"),
    Reason.SILENT: N_("(los webhooks no avisan de cambios: se vuelve a leer Argilla)"),
    Reason.FAILED: N_("(webhooks no disponibles por ahora: se reintentará)"),
}


@dataclass(frozen=True)
class FirstRead:
    """What the first-read page says of one feed: not configured, connecting, reading."""

    off: str
    starting: str
    progress: str


FIRST_READ = {
    FeedKind.CAMPAIGN: FirstRead(
        N_("No hay un servidor Argilla configurado (ARGILLA_API_URL y ARGILLA_API_KEY)."),
        N_("Conectando con el servidor de Argilla para la primera lectura de la campaña…"),
        N_(
            "Primera lectura de la campaña: dataset {step} de {steps} (**{label}**), "
            "{records} registros leídos hasta ahora."
        ),
    ),
    FeedKind.PROJECTS: FirstRead(
        N_("No hay organización del Hub configurada ([hub] org)."),
        N_("Conectando con el Hub de Hugging Face para la primera lectura de los proyectos…"),
        N_("Primera lectura de los proyectos: lista {step} de {steps} (**{label}**), {records} repos hasta ahora."),
    ),
}


def problem_text(error: SourceError, lang: str, markdown: bool = True) -> str:
    """What went wrong, in words (as Markdown, or as plain text for the live-status line)."""
    detail = md_text(error.detail, 120) if markdown else shorten(error.detail, 120)
    return t(lang, ERRORS[error.kind], detail=detail)


def config_error_banner(error: str | None, lang: str) -> None:
    if error:
        st.error(t(lang, "Error de configuración: {problem}", problem=md_text(error, 300)), icon="⚠️")


def freshness(
    view: FeedView, lang: str, mode: LiveMode | None = None, every: int = 0, behind: int = 0, final: bool = False
) -> tuple[str, str]:
    """The data's state as plain text, with `{age}` where the data's age goes, and its tone ("" for
    a caption, "warn" for a warning); for a live campaign also how it stays current (webhooks or
    polling, and why), or that it is catching up with `behind` changes Argilla has counted and
    not yet delivered; for a `final` (archived) one, that its figures are the final ones. Empty
    while there is no data (the first-read state says it all)."""
    state = view.state
    if final and view.value is not None:
        return "🏁 " + t(lang, "Resultados finales: la campaña está archivada · datos de {age}", age="{age}"), ""
    if view.mode == Mode.STALE and state is not None and state.error is not None:
        problem = problem_text(state.error, lang, markdown=False)
        return t(lang, "Datos de {age}. Último intento fallido: {problem}", age="{age}", problem=problem) + " " + t(
            lang, "Se reintentará automáticamente."
        ), "warn"
    if view.mode == Mode.EARLY:
        return "⏳ " + t(
            lang, "Primer vistazo con las cuentas de Argilla de {age} · leyendo el resto…", age="{age}"
        ), ""
    if view.mode == Mode.STALE:
        return "🕓 " + t(lang, "Datos guardados de {age} · leyendo datos nuevos…", age="{age}"), ""
    if view.mode == Mode.LIVE and behind:
        return "🟡 " + tn(
            lang,
            "Poniéndose al día con Argilla: falta {n} cambio por llegar. Validaciones, descartes y "
            "puestos ya son los que cuenta Argilla; las correcciones, en cuanto llegue · actualizados {age}",
            "Poniéndose al día con Argilla: faltan {n} cambios por llegar. Validaciones, descartes y "
            "puestos ya son los que cuenta Argilla; las correcciones, en cuanto lleguen · actualizados {age}",
            behind,
            n=i18n.number(behind, lang),
            age="{age}",
        ), ""
    if view.mode == Mode.LIVE:
        return "🟢 " + t(lang, "Datos en vivo · actualizados {age}", age="{age}") + live_text(mode, every, lang), ""
    return "", ""


def demo_banner(view: FeedView, kind: FeedKind, org: str | None, lang: str) -> None:
    """Which data is invented, and why: the campaign's (no Argilla configured), or the projects'
    (no org configured, or the org's real projects not read yet: being read, or why not)."""
    if kind != FeedKind.PROJECTS:
        text = t(lang, "Datos de demostración: no hay un servidor Argilla configurado. Las cifras son inventadas.")
    elif not org:
        text = t(
            lang,
            "Proyectos de demostración: no hay organización del Hub configurada ([hub] org). Las "
            "cifras son inventadas.",
        )
    elif view.state is not None and view.state.error is not None:
        problem = problem_text(view.state.error, lang).rstrip(".")
        text = t(
            lang,
            "Proyectos de demostración: no se pueden leer los de la organización **{org}** del Hub "
            "({problem}). Las cifras son inventadas; se vuelve a intentar.",
            org=md_text(org, 96),
            problem=problem,
        )
    else:
        text = t(
            lang,
            "Proyectos de demostración mientras se leen los de la organización **{org}** del Hub.",
            org=md_text(org, 96),
        )
    st.info(text, icon="🧪")


def live_text(mode: LiveMode | None, every: int, lang: str) -> str:
    if mode is None:
        return ""
    if mode.kind == Live.WEBHOOKS and mode.reason is None:
        return " · " + t(lang, "en directo por webhooks: cada validación aparece en segundos")
    polling = " · " + t(lang, "se consulta Argilla cada {seconds} s", seconds=every)
    return polling + (" " + t(lang, LIVE_REASONS[mode.reason]) if mode.reason else "")


def read_label(label: str, kind: FeedKind, lang: str) -> str:
    """What a first read is reading, in words: a dataset's title, or a kind of repo in `lang`."""
    return t(lang, KIND_NAMES[label]) if kind == FeedKind.PROJECTS and label in KIND_NAMES else label


def first_read_state(view: FeedView, kind: FeedKind, lang: str, ranking: str = "") -> None:
    """In place of a page whose feed has no data yet (`view.mode` "first_read" or "off"), or only a
    first look ("early", `ranking`: where that look is shown)."""
    st.subheader(t(lang, "Preparando el tablero"), anchor=False)
    if view.mode == Mode.OFF:
        st.info(t(lang, FIRST_READ[kind].off))
        return
    if view.mode == Mode.EARLY and ranking:
        st.info(
            t(
                lang,
                "Mientras tanto, el [ranking]({url}) ya muestra los puestos y validaciones que cuenta Argilla.",
                url=ranking,
            ),
            icon="🏆",
        )
    error, progress = (view.state.error, view.state.progress) if view.state is not None else (None, None)
    if error is not None:
        st.warning(
            t(lang, "No se pudieron leer los datos: {problem}", problem=problem_text(error, lang))
            + " "
            + t(lang, "Se reintentará automáticamente.")
        )
    if progress is not None:
        st.markdown(
            t(
                lang,
                FIRST_READ[kind].progress,
                step=progress.step,
                steps=progress.steps,
                label=md_text(read_label(progress.label, kind, lang), 60),
                records=i18n.number(progress.records, lang),
            )
        )
    else:
        st.markdown(t(lang, FIRST_READ[kind].starting))
    # a moment, not an age: this text is drawn once and stays until the data arrives
    waiting = t(lang, "Esta página se mostrará sola en cuanto lleguen los datos; no hace falta recargar.")
    if view.since is not None:
        since = t(lang, "Esperando la primera lectura desde el {when}.", when=i18n.datetime(view.since, lang))
        waiting = since + " " + waiting
    st.caption(waiting)


MISMATCHES = {  # a campaign.toml key that Argilla contradicts (data/model/mismatches.py), in words
    "reference_field": N_(
        "El dataset «{dataset}» no tiene el campo «{value}» (`reference_field` en campaign.toml): las "
        "correcciones de sus registros sin sugerencia no se pueden calcular. Sus campos: {known}."
    ),
    "label_question": N_(
        "El dataset «{dataset}» no tiene la pregunta «{value}» (`label_question` en campaign.toml): no "
        "hay señales de acuerdo para él. Sus preguntas: {known}."
    ),
    "exclude_users": N_(
        "Ningún usuario de Argilla se llama «{value}» (`exclude_users` en campaign.toml): si es un "
        "error de escritura, esa cuenta se clasifica."
    ),
}


def configuration_status(mismatches: pd.DataFrame, lang: str) -> None:
    """For organizers: each campaign.toml key that names what Argilla does not have, one line each."""
    for row in mismatches.itertuples():
        text = t(
            lang,
            MISMATCHES[row.key],
            dataset=md_text(row.dataset if isinstance(row.dataset, str) else "", 100),
            value=md_text(row.value, 100),
            known=md_text(row.known, 300) if isinstance(row.known, str) and row.known else "—",
        )
        if row.key == "exclude_users" and isinstance(row.known, str) and row.known:
            text += " " + t(lang, "¿Quizá «{known}»?", known=md_text(row.known, 100))
        st.warning(t(lang, "Configuración: {problem}", problem=text), icon="⚙️")


def certificate_key_status(derived: bool, lang: str) -> None:
    """For organizers: whether the certificates' IDs hang on the Argilla key (`derived`)."""
    if derived:
        st.warning(
            t(
                lang,
                "Los IDs de los certificados se firman con una clave derivada de ARGILLA_API_KEY: si esa "
                "clave se rota, los certificados emitidos dejan de verificarse. Define CERTIFICATE_SECRET "
                "(una frase larga y secreta) o configura [storage], que guarda una clave propia en el repo "
                "del estado, para que no dependan de ella; los emitidos hasta entonces siguen valiendo.",
            ),
            icon="🔑",
        )


def storage_status(status: SyncStatus | None, lang: str) -> None:
    """For organizers: whether the state is kept on the Hub, and what is wrong if it is not."""
    if status is None:
        return
    repo = md_text(status.repo, 100)
    if status.newer_format:
        st.warning(
            t(lang, "El repo {repo} guarda un formato más nuevo que esta versión: no se lee ni se escribe.", repo=repo),
            icon="💾",
        )
    elif status.error is not None:
        problem = _hub_problem(status.error, lang)
        st.warning(
            t(lang, "No se pudo usar el estado guardado en el Hub ({repo}): {problem}", repo=repo, problem=problem)
            + " "
            + t(lang, "Se reintentará automáticamente."),
            icon="💾",
        )
    else:
        when = {
            key: i18n.age(utc_now() - moment, lang) if moment else "—"
            for key, moment in (("restored", status.restored_at), ("written", status.written_at))
        }
        key = (
            N_("Estado guardado en el Hub ({repo}): restaurado {restored}, guardado por última vez {written}.")
            if status.writer
            else N_("Estado leído del Hub ({repo}) al arrancar {restored}; este proceso no escribe (writer = false).")
        )
        st.caption("💾 " + t(lang, key, repo=repo, **when))


def open_data_status(status: PublishStatus | None, lang: str) -> None:
    """For organizers: where the standings are published as open data, and what is wrong if they are not."""
    if status is None:
        return
    repo = md_text(status.repo, 100)
    if status.foreign:
        st.warning(
            t(
                lang,
                "El repo {repo} tiene archivos que no son de este tablero: los datos abiertos no se publican.",
                repo=repo,
            ),
            icon="📂",
        )
    elif status.error is not None:
        problem = _hub_problem(status.error, lang)
        st.warning(
            t(
                lang,
                "No se pudieron publicar los datos abiertos en el Hub ({repo}): {problem}",
                repo=repo,
                problem=problem,
            )
            + " "
            + t(lang, "Se reintentará automáticamente."),
            icon="📂",
        )
    elif status.day is not None:
        st.caption(
            "📂 "
            + t(lang, "Datos abiertos ({repo}): publicado el día {day}.", repo=repo, day=i18n.date(status.day, lang))
        )
    else:
        st.caption(
            "📂 " + t(lang, "Datos abiertos ({repo}): se publican con la primera lectura de cada día.", repo=repo)
        )


def _hub_problem(error: SourceError, lang: str) -> str:
    """What went wrong with a Hub repo, in words (a token's trouble said as such)."""
    return t(lang, STORAGE_ERRORS[error.kind]) if error.kind in STORAGE_ERRORS else problem_text(error, lang)
