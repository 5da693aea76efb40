"""Sharing one's standing: the picture card, links that open each network's own share box, and
LinkedIn's add-to-profile link for the certificate (name, organisation, issue date, ID, URL)."""

from __future__ import annotations

from urllib.parse import quote, urlencode

import pandas as pd
import streamlit as st

from components import i18n
from components.badges import contributor_badge
from components.card import CardFacts, card_preview
from components.certificate import CertificateFacts
from components.i18n import t
from components.navigation import app_url
from data.routes import API
from data.text import escape_markdown, shorten, shown_name

PREVIEW_WIDTH = 600


def share_links(url: str, text: str) -> dict[str, str]:
    """Each network's share URL for `url` with `text` (their documented intent links)."""
    return {
        "LinkedIn": "https://www.linkedin.com/sharing/share-offsite/?" + urlencode({"url": url}),
        "X": "https://twitter.com/intent/tweet?" + urlencode({"text": text, "url": url}),
        "Bluesky": "https://bsky.app/intent/compose?" + urlencode({"text": f"{text} {url}"}),
        "WhatsApp": "https://wa.me/?" + urlencode({"text": f"{text} {url}"}),
        "Telegram": "https://t.me/share/url?" + urlencode({"url": url, "text": text}),
    }


def linkedin_certification(facts: CertificateFacts, lang: str) -> str:
    """LinkedIn's add-to-profile link for a certification, filled with the certificate's facts."""
    params = {
        "startTask": "CERTIFICATION_NAME",
        "name": t(lang, "Certificado de participación") + f" · {facts.campaign}",
        "organizationName": facts.issuer or facts.board or facts.campaign,
        "issueYear": facts.issued.year,
        "issueMonth": facts.issued.month,
        "certUrl": facts.verify_url,
        "certId": facts.credential_id,
    }
    return "https://www.linkedin.com/profile/add?" + urlencode(params)


def share_section(
    card: CardFacts, url: str, certificate: CertificateFacts | None, hashtag: str | None, lang: str
) -> None:
    """The card as a shared link shows it, a button per network (the text ends with the community's
    hashtag, if it has one), and the LinkedIn profile link."""
    st.subheader(t(lang, "Compártelo"), anchor=False)
    numbers = {"rank": i18n.number(card.rank or 0, lang), "validations": i18n.number(card.validations, lang)}
    alt = t(
        lang,
        "Tarjeta de {name}: puesto {rank} con {validations} validaciones",
        name=shorten(shown_name(card.name or ""), 60),
        **numbers,
    )
    # the PNG as drawn: left to guess, Streamlit re-encoded it as a JPEG on every run (no alpha channel)
    st.image(card_preview(card, lang, PREVIEW_WIDTH), alt=alt, width=PREVIEW_WIDTH, output_format="PNG")
    text = t(
        lang,
        "Estoy en el puesto {rank} de «{campaign}» con {validations} validaciones.",
        campaign=card.campaign,
        **numbers,
    ) + (f" {hashtag}" if hashtag else "")
    columns = st.columns(5)
    for column, (network, link) in zip(columns, share_links(url, text).items(), strict=True):
        column.link_button(network, link, width="stretch")
    if certificate is not None:
        st.link_button(
            t(lang, "Añadir a mi perfil de LinkedIn"),
            linkedin_certification(certificate, lang),
            icon="🎓",
            help=t(
                lang, "Añade el certificado a «Licencias y certificaciones», con su ID y su enlace de verificación."
            ),
        )


def badge_section(slug: str, me: pd.Series, people: int, link: str, campaign: str, lang: str) -> None:
    """The person's badge (the API serves it, always current) and its Markdown for a README or a
    Hub profile, linking to `link`."""
    user = str(me["username"])
    badge_url = app_url(f"{API}/campaigns/{slug}/contributors/{quote(user, safe='')}/badge.svg", lang=lang)
    st.caption(t(lang, "Tu insignia, siempre al día, para un README o tu perfil del Hub (Markdown):"))
    shown = contributor_badge(user, int(me["rank"]), people, int(me["validations"]), campaign, lang)
    st.image(shown.svg.decode("utf-8"), alt=shown.says)
    st.code(f"[![{escape_markdown(campaign)}]({badge_url})]({link})", language="markdown", wrap_lines=True)
