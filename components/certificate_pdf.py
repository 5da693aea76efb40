"""A certificate drawn: one PDF page with fpdf2 (components/certificate.py says what it states).

A module of its own so that fpdf2 (and its fonts' machinery) is loaded only where a certificate is
drawn: the certificates' worker processes (components/certificate_jobs.py), a benchmark, a test.
"""

from __future__ import annotations

import datetime as dt
import itertools
from dataclasses import astuple, dataclass
from pathlib import Path
from typing import cast

import segno
from fpdf import FPDF
from fpdf.drawing import DeviceRGB, GraphicsContext, PaintedPath
from fpdf.enums import MethodReturnValue, PathPaintRule
from fpdf.fonts import TTFFont

from components import i18n
from components.certificate import CertificateFacts, zipped
from components.fonts import DEJAVU, fallback_faces, printable, unprintable
from components.i18n import t
from components.print_faces import JOINERS, Fallback, drawn_by_latin, fallbacks_for, latin_faces
from data.text import shorten, shown_name, visible

ACCENT = (228, 87, 46)  # the theme's primary colour
INK = (31, 27, 28)
NAME_SIZES = range(30, 15, -2)  # points: the name is set in the largest that fits one line
NAME_LINES = 3


class _Certificate(FPDF):
    def __init__(self, text: str):
        """A page whose fonts draw `text` (every word it will print): DejaVu cut to Latin, and for
        any other character a slice of the face that draws it, shaped by HarfBuzz; the whole faces
        where the cuts cannot be made (components/print_faces.py)."""
        super().__init__(orientation="landscape", format="A4")
        self.set_auto_page_break(False)
        self._last_fallback: str | None = None
        self._slices: list[str] = []
        latin, slices = latin_faces(), fallbacks_for(text)
        if latin is not None and slices is not None:
            self._faces(latin, slices)
        else:
            self._faces(DEJAVU, ())
            self._whole_fallbacks(text)
        for font in self.fonts.values():  # glyphs embedded as their font has them, not measured again
            if isinstance(font, TTFFont):  # (fontTools would decode and re-encode every one: ~10 ms)
                font.ttfont.recalcBBoxes = False

    def _faces(self, main: tuple[Path, Path], slices: tuple[Fallback, ...]) -> None:
        self.add_font("DejaVu", "", main[0])
        self.add_font("DejaVu", "B", main[1])
        for one in slices:
            self.add_font(one.family, one.style, one.path)
        self._slices = list(dict.fromkeys(one.family for one in slices))

    def setting(self, text: str) -> str:
        """`text`, about to be set: the slices and HarfBuzz are turned on for it if it needs them, and
        off if the Latin faces draw it whole (fpdf2 then sets it as one run, unshaped, as on a Latin
        page: a third of a page in another script's time went to shaping its Latin paragraphs)."""
        if self._slices:
            needed = not drawn_by_latin(text)
            self.set_fallback_fonts(self._slices if needed else [], exact_match=False)
            self.set_text_shaping(use_shaping_engine=needed)
        return text

    def get_fallback_font(self, char: str, style: str = "") -> str | None:
        """fpdf2's choice, except that what modifies the character before it (`JOINERS`: a skin
        tone...) stays in that one's font when it has it, so that the two are shaped together."""
        last = self._last_fallback
        if last is not None and ord(char) in JOINERS and ord(char) in cast(TTFFont, self.fonts[last]).cmap:
            return last
        self._last_fallback = super().get_fallback_font(char, style)
        return self._last_fallback

    def _whole_fallbacks(self, text: str) -> None:
        faces = fallback_faces(text)
        for face in faces:
            self.add_font(face.family, "", face.path, collection_font_number=face.index)
        if faces:
            self.set_fallback_fonts([face.family for face in faces], exact_match=False)
        self.set_text_shaping(use_shaping_engine=True)


def _fit_name(pdf: _Certificate, name: str, width: float) -> tuple[int, list[str]]:
    """The font size and lines for a name: one line if any size fits, else wrapped, then shortened."""
    name = pdf.setting(" ".join(name.split()) or "—")
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


@dataclass(frozen=True)
class Wording:
    """Every text a certificate prints, in its language ("" where a part is not printed)."""

    header: str
    title: str
    intro: str
    name: str
    note: str
    body: str
    prize: str
    dates: str
    check: str
    url: str
    credential: str

    def whole(self) -> str:
        return "".join(astuple(self))


def wording(facts: CertificateFacts, lang: str) -> Wording:
    campaign = printable(visible(facts.campaign))
    datasets = printable(visible(", ".join(facts.datasets)) or "—")
    missing = ", ".join(unprintable(shown_name(facts.name))[:8])
    return Wording(
        header=shorten(printable(visible(facts.header)), 100),
        title=t(lang, "Certificado de participación"),
        intro=t(lang, "Se certifica que"),
        name=printable(shown_name(facts.name)),
        note=t(
            lang,
            "Hay caracteres del nombre que no se pueden imprimir ({codes}): la página de verificación "
            "lo muestra entero.",
            codes=missing,
        )
        if missing
        else "",
        body=_body(facts, campaign, datasets, lang),
        prize=t(
            lang,
            "Supera las {n} validaciones: elegible para el premio de la campaña.",
            n=i18n.number(facts.minimum, lang),
        )
        if facts.eligible
        else "",
        dates=t(
            lang,
            "Emitido el {issued} con los datos de la campaña del {data}.",
            issued=i18n.date(facts.issued, lang),
            data=i18n.datetime(facts.data_at, lang),
        ),
        check=t(lang, "Compruébalo en:"),
        url=shorten(printable(facts.verify_url), 110),
        credential=t(lang, "ID del certificado: {id}", id=facts.credential_id) if facts.credential_id else "",
    )


def certificate_pdf(facts: CertificateFacts, lang: str) -> bytes:
    """A one-page A4 certificate stating `facts`, in `lang`."""
    words = wording(facts, lang)
    pdf = _Certificate(words.whole())
    pdf.set_title(words.title)
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
    pdf.cell(width, 8, pdf.setting(words.header), align="C")
    pdf.set_text_color(*INK)
    pdf.set_font("DejaVu", "B", 30)
    pdf.set_xy(30, 38)
    pdf.cell(width, 14, pdf.setting(words.title), align="C")
    pdf.set_font("DejaVu", "", 14)
    pdf.set_xy(30, 60)
    pdf.cell(width, 8, pdf.setting(words.intro), align="C")
    size, lines = _fit_name(pdf, words.name, width)
    pdf.set_xy(30, 72)
    pdf.set_font("DejaVu", "B", size)
    pdf.multi_cell(width, size * 0.45, pdf.setting("\n".join(lines)), align="C")
    if words.note:
        pdf.set_font("DejaVu", "", 9)
        pdf.set_x(30)
        pdf.multi_cell(width, 5, pdf.setting(words.note), align="C")
    pdf.set_font("DejaVu", "", 13)
    pdf.set_xy(30, max(pdf.get_y() + 6, 100))
    pdf.multi_cell(width, 7, pdf.setting(words.body), align="C")
    if words.prize:
        pdf.set_text_color(*ACCENT)
        pdf.set_font("DejaVu", "B", 13)
        pdf.set_x(30)
        pdf.multi_cell(width, 8, pdf.setting(words.prize), align="C")
        pdf.set_text_color(*INK)
    _footer(pdf, words, facts.verify_url, width)
    return bytes(pdf.output())


def _footer(pdf: _Certificate, words: Wording, url: str, width: float) -> None:
    """The dates, where to check the certificate (its address, its ID and a QR code of it)."""
    pdf.set_font("DejaVu", "", 10)
    pdf.set_xy(30, pdf.h - 44)
    pdf.cell(width, 6, pdf.setting(words.dates), align="C")
    pdf.set_xy(30, pdf.h - 36)
    pdf.cell(width, 6, pdf.setting(words.check), align="C")
    pdf.set_text_color(*ACCENT)
    pdf.set_xy(30, pdf.h - 30)
    pdf.set_font("DejaVu", "", 8)
    pdf.cell(width, 4, pdf.setting(words.url), align="C", link=url)
    if words.credential:
        pdf.set_text_color(*INK)
        pdf.set_xy(30, pdf.h - 25)
        pdf.cell(width, 4, pdf.setting(words.credential), align="C")
        _qr(pdf, url, pdf.w - 46, pdf.h - 46, 28)


def _qr(pdf: FPDF, url: str, x: float, y: float, size: float) -> None:
    """A QR code of `url` drawn as vector squares, sharp at any print size (medium error
    correction, so a crease still scans): one path of every row's dark runs, filled at once so that
    no seam shows between rows, linked to `url`."""
    matrix = segno.make_qr(url, error="m").matrix
    module = size / (len(matrix) + 4)  # a quiet zone of two modules around it
    path = PaintedPath()
    path.style.paint_rule = PathPaintRule.FILL_NONZERO
    path.style.fill_color = DeviceRGB(*(part / 255 for part in INK))
    for row, cells in enumerate(matrix):
        top, column = y + (row + 2) * module, 0
        for dark, run in itertools.groupby(cells, key=bool):
            width = len(list(run))
            if dark:
                path.rectangle(x + (column + 2) * module, top, width * module, module)
            column += width
    squares = GraphicsContext()
    squares.add_item(path, clone=False)  # a copy of a path of some 400 squares costs more than drawing it
    pdf.draw_path(squares, copy=False)
    pdf.link(x, y, size, size, url)


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
