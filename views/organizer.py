"""Organización (gated): the roster's problems, quality signals, prize list exports (as of the
campaign's end), the project standings as of the deadline, certificates and acknowledgements."""

import streamlit as st

from components import i18n, teams_view
from components.context import context
from components.contributor import certificates_button
from components.downloads import download
from components.i18n import t
from components.organizer_gate import organizer_unlocked
from components.signals_table import signals_table
from components.status import certificate_key_status, configuration_status, open_data_status, storage_status

ctx = context()
lang = ctx.lang
st.title(t(lang, "Herramientas de organización"), anchor=False)
if not organizer_unlocked(ctx.secrets, ctx.config.organizers, lang):
    st.stop()

storage_status(ctx.running.state.status if ctx.running.state else None, lang)
open_data_status(ctx.running.publisher.status if ctx.running.publisher else None, lang)
teams_view.roster_status(ctx.roster.view(), lang)
read = ctx.read(ctx.view())
configuration_status(read.campaign.mismatches, lang)
table = read.signals()

st.subheader(t(lang, "Señales de calidad"), anchor=False)
st.caption(t(lang, "Señales para revisar a mano, nunca penalizaciones automáticas."))
flagged_only = st.toggle(t(lang, "Solo marcados"), key="organizer.flagged")
signals_table(table[table["flags"].fillna("") != ""] if flagged_only else table, lang)

st.subheader(t(lang, "Lista para premios"), anchor=False)
st.caption(t(lang, "Cuenta las validaciones hasta el {when}.", when=i18n.datetime(read.counted_until(), lang)))
prize_csv, prize_markdown = read.prize_files()
left, right = st.columns(2)
download(
    t(lang, "Descargar CSV"), prize_csv, f"prize_list_{ctx.config.slug}.csv", where=left, key="organizer.prize_csv"
)
download(
    t(lang, "Descargar Markdown"),
    prize_markdown,
    f"prize_list_{ctx.config.slug}.md",
    where=right,
    key="organizer.prize_md",
)
if read.appearance.not_by_name:  # the public CSV leaves out or renames them; this one does not
    st.caption(t(lang, "El ranking completo, con quienes eligieron no aparecer o aparecer como anónimos:"))
    download(
        t(lang, "Descargar el ranking completo (CSV)"),
        read.everyone_csv(),
        f"ranking_everyone_{ctx.config.slug}.csv",
        key="organizer.everyone_csv",
    )

projects = ctx.projects.view().value
frozen = ctx.projects.frozen(projects) if projects is not None else None
if projects is not None and frozen is not None:
    st.subheader(t(lang, "Proyectos al cierre del hackathon"), anchor=False)
    download(
        t(lang, "Descargar la clasificación al cierre (CSV)"),
        ctx.projects.final_csv(projects, ctx.roster.current()),
        f"projects_as_of_{frozen.deadline:%Y-%m-%dT%H%M}Z.csv",
        key="organizer.final_csv",
    )

st.subheader(t(lang, "Certificados"), anchor=False)
certificate_key_status(ctx.secrets.argilla_configured and ctx.running.keys.derived_signs, lang)
certificates_button(read, ctx.running.keys.signing, lang)

st.subheader(t(lang, "Agradecimientos para las Dataset Cards"), anchor=False)
counts = st.toggle(t(lang, "Incluir número de validaciones"), key="organizer.ack_counts")
markdown = read.acknowledgements(counts)
download(t(lang, "Descargar Markdown"), markdown, "acknowledgements.md", key="organizer.ack_md")
st.code(markdown, language="markdown", wrap_lines=True)  # no sideways scroll: readable at 390 px
