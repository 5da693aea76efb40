"""Certificates of participation: what one states (`CertificateFacts`), its file's name, and a ZIP
of many. components/certificate_pdf.py draws them (fpdf2: imported only where one is drawn, the
certificates' worker processes or a test, not in every page process).

Drawn with fpdf2 in an embedded Unicode font (DejaVu Sans, shipped in assets/fonts/) with text
shaping (HarfBuzz) so accents, ñ, right-to-left names and Indic and Thai clusters print as
written; a name in another script is drawn in Debian's Noto face for it, emoji in Noto Color Emoji
(components/fonts.py; the Dockerfile installs them), and a character no font has is named on the
page instead of vanishing. A name is only ever drawn as
plain text (no markup is interpreted), without control and format characters (which could hide or
reorder it: `data.text.visible`); a very long one is set smaller, wrapped to three lines, then
shortened.
"""

from __future__ import annotations

import datetime as dt
import io
import re
import unicodedata
import zipfile
from dataclasses import dataclass


@dataclass(frozen=True)
class CertificateFacts:
    """Everything a certificate states (nothing else is printed)."""

    name: str
    rank: int
    contributors: int
    validations: int
    corrections: int
    datasets: tuple[str, ...]  # titles of the datasets with at least one validation
    eligible: bool
    campaign: str
    start: dt.date | None
    end: dt.date | None
    minimum: int
    data_at: dt.datetime
    issued: dt.date
    verify_url: str  # the public page that checks it (/certificado?id=…)
    credential_id: str = ""  # its signed ID (data.model.credentials), printed with a QR code of verify_url
    issuer: str = ""  # the community that issues it ([site] name)
    hashtag: str = ""  # [site] hashtag
    board: str = ""  # the board that made it ([site] title)

    @property
    def header(self) -> str:
        """The line above the title: the community and its hashtag (nothing for neither)."""
        return " · ".join(part for part in (self.issuer, self.hashtag) if part)


def file_name(facts: CertificateFacts) -> str:
    """A safe, readable file name: the rank, then the name in plain ASCII letters and digits."""
    ascii_name = unicodedata.normalize("NFKD", facts.name).encode("ascii", "ignore").decode()
    slug = re.sub(r"[^a-z0-9]+", "-", ascii_name.lower()).strip("-")[:40].strip("-") or "contribuidor"
    return f"certificado-{facts.rank:04d}-{slug}.pdf"


def zipped(all_facts: list[CertificateFacts], pdfs: list[bytes]) -> bytes:
    """The certificates `pdfs` of `all_facts` in one ZIP; file names are unique and safe."""
    buffer = io.BytesIO()
    used: set[str] = set()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for facts, pdf in zip(all_facts, pdfs, strict=True):
            name, n = file_name(facts), 1
            while name in used:
                n += 1
                name = file_name(facts).replace(".pdf", f"-{n}.pdf")
            used.add(name)
            archive.writestr(name, pdf)
    return buffer.getvalue()
