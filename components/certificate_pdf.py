"""A certificate drawn: one PDF page with fpdf2 (components/certificate.py says what it states).

A module of its own so that fpdf2 (and its fonts' machinery) is loaded only where a certificate is
drawn: the certificates' worker processes (components/certificate_jobs.py), a benchmark, a test.
"""

from __future__ import annotations

import datetime as dt
import io
from typing import cast

import segno
from fpdf import FPDF
from fpdf.enums import MethodReturnValue

from components import i18n
from components.certificate import CertificateFacts, zipped
from components.fonts import DEJAVU, codepoints, emoji_font, faces_for, printable, text_codepoints, unprintable
from components.i18n import t
from data.text import shorten, shown_name, visible

ACCENT = (228, 87, 46)  # the theme's primary colour
INK = (31, 27, 28)
NAME_SIZES = range(30, 15, -2)  # points: the name is set in the largest that fits one line
NAME_LINES = 3


class _Certificate(FPDF):
    def __init__(self, text: str):
        """A page whose fonts draw `text` (what it will print beyond the fixed wording)."""
        super().__init__(orientation="landscape", format="A4")
        self.set_auto_page_break(False)
        self.add_font("DejaVu", "", DEJAVU[0])
        self.add_font("DejaVu", "B", DEJAVU[1])
        emoji, missing = emoji_font(), {ord(ch) for ch in text} - text_codepoints()
        fallbacks: list[str] = []
        if emoji is not None and missing & codepoints(emoji):
            self.add_font("Emoji", "", emoji)
            fallbacks.append("Emoji")
        for face in faces_for(text):
            self.add_font(face.family, "", face.path, collection_font_number=face.index)
            fallbacks.append(face.family)
        if fallbacks:
            self.set_fallback_fonts(fallbacks, exact_match=False)
        self.set_text_shaping(use_shaping_engine=True)


def _fit_name(pdf: FPDF, name: str, width: float) -> tuple[int, list[str]]:
    """The font size and lines for a name: one line if any size fits, else wrapped, then shortened."""
    name = " ".join(name.split()) or "—"
    for size in NAME_SIZES:
        pdf.set_font("DejaVu", "B", size)
        if pdf.get_string_width(name) <= width:
            return size, [name]
    size = NAME_SIZES[-1]
    pdf.set_font("DejaVu", "B", size)
    cut = min(len(name), int(NAME_LINES * width / pdf.get_string_width("i")))  # no line holds more
    text = name[:cut]
    while True:
        lines = cast(
            list[str], pdf.multi_cell(width, 10, text, dry_run=True, output=MethodReturnValue.LINES, align="C")
        )
        if len(lines) <= NAME_LINES:
            return size, lines
        cut = max(1, int(cut * 0.9))
        text = name[:cut].rstrip() + "…"


def certificate_pdf(facts: CertificateFacts, lang: str) -> bytes:
    """A one-page A4 certificate stating `facts`, in `lang`."""
    name, campaign = printable(shown_name(facts.name)), printable(visible(facts.campaign))
    datasets = printable(visible(", ".join(facts.datasets)) or "—")
    header = shorten(printable(visible(facts.header)), 100)
    pdf = _Certificate(name + datasets + campaign + header)
    pdf.set_title(t(lang, "Certificado de participación"))
    pdf.set_author(facts.issuer or facts.campaign)
    pdf.set_creator(facts.board or facts.campaign)
    pdf.set_creation_date(dt.datetime.combine(facts.issued, dt.time(), dt.UTC))
    pdf.add_page()
    pdf.set_draw_color(*ACCENT)
    pdf.set_line_width(1.2)
    pdf.rect(10, 10, pdf.w - 20, pdf.h - 20)
    width = pdf.w - 60
    pdf.set_text_color(*ACCENT)
    pdf.set_font("DejaVu", "B", 12)
    pdf.set_xy(30, 24)
    pdf.cell(width, 8, header, align="C")
    pdf.set_text_color(*INK)
    pdf.set_font("DejaVu", "B", 30)
    pdf.set_xy(30, 38)
    pdf.cell(width, 14, t(lang, "Certificado de participación"), align="C")
    pdf.set_font("DejaVu", "", 14)
    pdf.set_xy(30, 60)
    pdf.cell(width, 8, t(lang, "Se certifica que"), align="C")
    size, lines = _fit_name(pdf, name, width)
    pdf.set_xy(30, 72)
    pdf.set_font("DejaVu", "B", size)
    pdf.multi_cell(width, size * 0.45, "\n".join(lines), align="C")
    missing = unprintable(shown_name(facts.name))
    if missing:
        pdf.set_font("DejaVu", "", 9)
        pdf.set_x(30)
        note = t(
            lang,
            "Hay caracteres del nombre que no se pueden imprimir ({codes}): la página de verificación "
            "lo muestra entero.",
            codes=", ".join(missing[:8]),
        )
        pdf.multi_cell(width, 5, note, align="C")
    pdf.set_font("DejaVu", "", 13)
    pdf.set_xy(30, max(pdf.get_y() + 6, 100))
    pdf.multi_cell(width, 7, _body(facts, campaign, datasets, lang), align="C")
    if facts.eligible:
        pdf.set_text_color(*ACCENT)
        pdf.set_font("DejaVu", "B", 13)
        pdf.set_x(30)
        pdf.multi_cell(
            width,
            8,
            t(
                lang,
                "Supera las {n} validaciones: elegible para el premio de la campaña.",
                n=i18n.number(facts.minimum, lang),
            ),
            align="C",
        )
        pdf.set_text_color(*INK)
    pdf.set_font("DejaVu", "", 10)
    pdf.set_xy(30, pdf.h - 44)
    dates = t(
        lang,
        "Emitido el {issued} con los datos de la campaña del {data}.",
        issued=i18n.date(facts.issued, lang),
        data=i18n.datetime(facts.data_at, lang),
    )
    pdf.cell(width, 6, dates, align="C")
    pdf.set_xy(30, pdf.h - 36)
    pdf.cell(width, 6, t(lang, "Compruébalo en:"), align="C")
    pdf.set_text_color(*ACCENT)
    pdf.set_xy(30, pdf.h - 30)
    pdf.set_font("DejaVu", "", 8)
    pdf.cell(width, 4, shorten(printable(facts.verify_url), 110), align="C", link=facts.verify_url)
    if facts.credential_id:
        pdf.set_text_color(*INK)
        pdf.set_xy(30, pdf.h - 25)
        pdf.cell(width, 4, t(lang, "ID del certificado: {id}", id=facts.credential_id), align="C")
        pdf.image(_qr_png(facts.verify_url), x=pdf.w - 46, y=pdf.h - 46, w=28, h=28, link=facts.verify_url)
    return bytes(pdf.output())


def _qr_png(url: str) -> io.BytesIO:
    """A QR code of `url` (medium error correction, so a crease or a print still scans)."""
    buffer = io.BytesIO()
    segno.make_qr(url, error="m").save(buffer, kind="png", scale=8, border=2)
    buffer.seek(0)
    return buffer


def _body(facts: CertificateFacts, campaign: str, datasets: str, lang: str) -> str:
    window = " – ".join(i18n.date(day, lang) for day in (facts.start, facts.end) if day)
    return t(
        lang,
        "ha contribuido a la campaña «{campaign}»{window} con {validations} validaciones, de "
        "las cuales {corrections} fueron correcciones, en los datasets {datasets}. Puesto "
        "{rank} de {contributors} personas.",
        campaign=campaign,
        window=f" ({window})" if window else "",
        validations=i18n.number(facts.validations, lang),
        corrections=i18n.number(facts.corrections, lang),
        datasets=datasets,
        rank=facts.rank,
        contributors=i18n.number(facts.contributors, lang),
    )


def certificates_zip(all_facts: list[CertificateFacts], lang: str) -> bytes:
    """One ZIP with a certificate per contributor, drawn here (components/certificate_jobs.py draws
    them in worker processes)."""
    return zipped(all_facts, [certificate_pdf(facts, lang) for facts in all_facts])
