"""Certificates read back as a person would: text extracted with pdftotext, page 1 drawn with pdftoppm."""

import datetime as dt
import io
import re
import subprocess
import zipfile
from dataclasses import replace

import pytest
from PIL import Image, ImageChops

from components import i18n, print_faces
from components.certificate import CertificateFacts, file_name
from components.certificate_pdf import certificate_pdf, certificates_zip, wording

HOSTILE = {
    "html": "<script>alert('x')</script>",
    "formula": '=HYPERLINK("http://evil.example","clic")',
    "rtl": "مرحبا 🦙 ñandú",
    "emoji": "🦙 Llama 👩🏽‍💻",
    "long": "x" * 10_000,
}
BIDI_CONTROLS = re.compile("[\u200e\u200f\u202a-\u202e\u2066-\u2069]")


def facts(name: str, eligible: bool = True) -> CertificateFacts:
    return CertificateFacts(
        name=name,
        rank=7,
        contributors=312,
        validations=143,
        corrections=37,
        datasets=("ARC-C", "MMLU"),
        eligible=eligible,
        campaign="Validación de benchmarks #Somos600M",
        start=dt.date(2024, 3, 4),
        end=dt.date(2024, 4, 30),
        minimum=50,
        data_at=dt.datetime(2024, 4, 15, 9, 30, tzinfo=dt.UTC),
        issued=dt.date(2026, 11, 23),
        verify_url="https://tablero.example/mi-posicion?user=ana",
    )


def pdf_text(data: bytes, tmp_path, name="c.pdf") -> str:
    path = tmp_path / name
    path.write_bytes(data)
    text = subprocess.run(["pdftotext", "-enc", "UTF-8", str(path), "-"], capture_output=True, check=True).stdout
    return " ".join(BIDI_CONTROLS.sub("", text.decode("utf-8")).split())


def pages(data: bytes, tmp_path) -> int:
    path = tmp_path / "p.pdf"
    path.write_bytes(data)
    info = subprocess.run(["pdfinfo", str(path)], capture_output=True, check=True, text=True).stdout
    return int(re.search(r"Pages:\s+(\d+)", info).group(1))


def page_one_png(data: bytes, out) -> Image.Image:
    pdf = out.with_suffix(".pdf")
    pdf.write_bytes(data)
    subprocess.run(
        ["pdftoppm", "-png", "-r", "60", "-f", "1", "-l", "1", "-singlefile", str(pdf), str(out)], check=True
    )
    return Image.open(out.with_suffix(".png")).convert("L")


@pytest.mark.parametrize(
    "lang, expected",
    [
        (
            "es",
            [
                "Certificado de participación",
                "143 validaciones",
                "37 fueron correcciones",
                "ARC-C, MMLU",
                "Puesto 7 de 312",
                "4 mar 2024 – 30 abr 2024",
                "Emitido el 23 nov 2026",
                "15 abr 2024",
                "elegible para el premio",
                "Supera las 50 validaciones",
            ],
        ),
        (
            "en",
            [
                "Certificate of participation",
                "143 validations",
                "37 of them corrections",
                "ARC-C, MMLU",
                "Rank 7 of 312",
                "Mar 4, 2024 – Apr 30, 2024",
                "Issued on Nov 23, 2026",
                "Apr 15, 2024",
                "eligible for the campaign's prize",
            ],
        ),
    ],
)
def test_the_certificate_states_the_facts_in_each_language(lang, expected, tmp_path):
    data = certificate_pdf(facts("Ana Núñez"), lang)
    text = pdf_text(data, tmp_path)
    assert "Ana Núñez" in text and "Validación de benchmarks #Somos600M" in text
    for phrase in expected:
        assert phrase in text, phrase
    assert "https://tablero.example/mi-posicion?user=ana" in text
    assert pages(data, tmp_path) == 1


def test_below_the_threshold_there_is_no_prize_line(tmp_path):
    text = pdf_text(certificate_pdf(facts("Ana Núñez", eligible=False), "es"), tmp_path)
    assert "143 validaciones" in text and "elegible" not in text


@pytest.mark.parametrize("kind", list(HOSTILE))
def test_hostile_names_print_as_written_on_one_page(kind, tmp_path, artifacts):
    name = HOSTILE[kind]
    data = certificate_pdf(facts(name), "es")
    text = pdf_text(data, tmp_path)
    assert pages(data, tmp_path) == 1
    if kind == "long":
        assert "…" in text and len(re.findall("x+", text)[0]) < 200  # wrapped to three lines, then shortened
    else:
        for word in name.replace("👩🏽\u200d💻", "").split():
            assert word in text, word
    folder = artifacts / "certificates"
    folder.mkdir(exist_ok=True)
    image = page_one_png(data, folder / f"certificado-{kind}")
    name_band = image.crop((0, int(image.height * 0.30), image.width, int(image.height * 0.45)))
    assert sum(1 for pixel in name_band.getdata() if pixel < 128) > 200  # the name is drawn, in ink


@pytest.mark.parametrize("name", ["王小明", "김민수", "佐藤花子", "राम शर्मा", "สมชาย ใจดี", "محمد علي"])
def test_names_in_every_script_print_as_written(name, tmp_path):
    """DejaVu, then Debian's Noto faces for each script (fonts-noto-core, fonts-noto-cjk)."""
    data = certificate_pdf(facts(name), "es")
    text = pdf_text(data, tmp_path)
    assert name in text and "\ufffd" not in text and "no se pueden imprimir" not in text
    assert pages(data, tmp_path) == 1


def test_a_campaign_and_datasets_named_in_other_scripts_print_as_written(tmp_path):
    """Every text of the page, not only the name, is set in the faces its characters need."""
    person = replace(facts("Ana Núñez"), campaign="حملة التحقق ✓ 验证", datasets=("数据集", "Данные Ωμέγα"))
    text = pdf_text(certificate_pdf(person, "es"), tmp_path)
    assert "Ana Núñez" in text and "143 validaciones" in text
    for part in ("حملة التحقق", "✓", "验证", "数据集", "Данные Ωμέγα"):
        assert part in text, part
    assert "\ufffd" not in text


def test_a_character_no_font_has_is_named_not_hidden(tmp_path):
    text = pdf_text(certificate_pdf(facts("ana \U00017000"), "en"), tmp_path)  # Tangut: no sans face has it
    assert "ana \ufffd" in text and "U+17000" in text and "verification page shows it whole" in text


def test_the_zip_holds_one_safe_unique_file_per_person(tmp_path):
    people = [facts(name) for name in [*HOSTILE.values(), "Ana Núñez", "ana nunez"]]
    data = certificates_zip(people, "en")
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        names = archive.namelist()
        assert len(names) == len(set(names)) == len(people)
        assert all(re.fullmatch(r"certificado-\d{4}-[a-z0-9-]+(-\d+)?\.pdf", name) for name in names), names
        assert "certificado-0007-ana-nunez.pdf" in names and "certificado-0007-ana-nunez-2.pdf" in names
        for entry, person in zip(names, people):
            text = pdf_text(archive.read(entry), tmp_path, "z.pdf")
            assert person.name[:20] in text or person.name == HOSTILE["rtl"] or person.name == HOSTILE["emoji"]
    assert file_name(facts("../../etc/passwd")) == "certificado-0007-etc-passwd.pdf"


INVISIBLE = {
    "nul and escape": ("\x00ana\x1b[31m", "ana[31m"),
    "bidi override": ("\u202enaná\u202c", "naná"),
    "isolates": ("\u2066ana\u2069 \u2067beto\u2069", "ana beto"),
    "zero width": ("a\u200bn\u200ba\ufeff", "ana"),
}


@pytest.mark.parametrize("kind", list(INVISIBLE))
def test_control_and_format_characters_are_not_printed(kind, tmp_path):
    name, printed = INVISIBLE[kind]
    data = certificate_pdf(facts(name), "es")
    raw = subprocess.run(["pdftotext", "-enc", "UTF-8", "-", "-"], input=data, capture_output=True).stdout.decode()
    assert printed in " ".join(raw.split())
    for ch in "\x00\x1b\u202e\u202c\u2066\u2067\u2069\u200b\ufeff":
        assert ch not in raw, repr(ch)


@pytest.mark.parametrize("name", ["\u202e\u200b", "\u2066\u2069\u200d", "\x00\x00"])
def test_a_name_made_only_of_invisible_characters_prints_its_code_points(name, tmp_path, artifacts):
    data = certificate_pdf(facts(name), "es")
    text = pdf_text(data, tmp_path)
    assert " ".join(f"U+{ord(ch):04X}" for ch in name) in text
    image = page_one_png(data, artifacts / "certificado-invisible")
    name_band = image.crop((0, int(image.height * 0.30), image.width, int(image.height * 0.45)))
    assert sum(1 for pixel in name_band.getdata() if pixel < 128) > 200  # never a blank where the name goes


def test_joiners_inside_an_emoji_sequence_are_kept():
    from data.text import visible

    assert visible("dev 👩🏽\u200d💻") == "dev 👩🏽\u200d💻"
    assert visible("\u200dana\u200d") == "ana"


@pytest.mark.parametrize("lang", list(i18n.LANGUAGES))
def test_a_latin_names_certificate_is_drawn_in_the_latin_faces_in_every_language(lang, tmp_path):
    """DejaVu cut to the Latin alphabets (components/print_faces.py) draws every word of such a page,
    with no slice of another face: the quick path is the common one."""
    person = replace(facts("José Ñúñez-Çağlar"), credential_id="AQ-xyz")
    assert print_faces.fallbacks_for(wording(person, lang).whole()) == ()
    text = pdf_text(certificate_pdf(person, lang), tmp_path)
    assert "José Ñúñez-Çağlar" in text and "Validación de benchmarks #Somos600M" in text
    for other in ("Ωμέγα", "Иван", "محمد", "王小明", "🦙"):
        assert print_faces.fallbacks_for(wording(facts(other), lang).whole()), other


def test_without_a_folder_to_keep_the_latin_faces_in_certificates_use_the_whole_ones(monkeypatch, tmp_path):
    (tmp_path / "a-file").write_text("")
    monkeypatch.setattr(print_faces, "FOLDER", tmp_path / "a-file" / "fonts")  # cannot be made
    print_faces.latin_faces.cache_clear()
    try:
        text = pdf_text(certificate_pdf(facts("Ana Núñez"), "es"), tmp_path)
        assert print_faces.latin_faces() is None
        assert "Ana Núñez" in text and "143 validaciones" in text
    finally:
        print_faces.latin_faces.cache_clear()


SCRIPTS_AND_EMOJI = [
    "王小明",
    "राम शर्मा",
    "สมชาย ใจดี",
    "محمد علي",
    "Иван Ωμέγα",
    HOSTILE["rtl"],
    HOSTILE["emoji"],
    "🧑🏽 y 👩🏻",
    "Nguyễn Thị Hương",  # Latin letters beyond the Latin cut: DejaVu's slices
]


@pytest.mark.parametrize("name", SCRIPTS_AND_EMOJI)
def test_a_name_drawn_from_slices_looks_as_drawn_from_the_whole_faces(name, monkeypatch, tmp_path):
    """Slices of the faces (components/print_faces.py) draw a name in any script as the whole faces
    do: the same glyphs, shaped the same, a skin tone on its face (CFF slices differ by a shade in
    some pixels' anti-aliasing: a glyph missing, misplaced or apart differs by ink)."""
    assert print_faces.fallbacks_for(name)  # drawn from slices
    sliced = page_one_png(certificate_pdf(facts(name), "es"), tmp_path / "sliced")
    (tmp_path / "a-file").write_text("")
    monkeypatch.setattr(print_faces, "FOLDER", tmp_path / "a-file" / "fonts")  # no cut can be made
    print_faces.latin_faces.cache_clear()
    try:
        whole = page_one_png(certificate_pdf(facts(name), "es"), tmp_path / "whole")
        assert print_faces.fallbacks_for(name) is None  # drawn from the whole faces
    finally:
        print_faces.latin_faces.cache_clear()
    band = (0, int(sliced.height * 0.30), sliced.width, int(sliced.height * 0.45))
    assert sum(1 for pixel in whole.crop(band).getdata() if pixel < 128) > 200  # the name is drawn, in ink
    differ = ImageChops.difference(sliced.crop(band), whole.crop(band)).point(lambda level: 255 * (level > 64))
    assert differ.getbbox() is None  # not a pixel differs by more than a quarter of the grey scale


def test_accents_typed_apart_print_as_the_accented_letters(tmp_path):
    """A name whose accents were typed apart (decomposed, as some keyboards and systems send it) is
    printed composed: the Latin faces draw it as the same name typed whole, no mark from another face."""
    apart = page_one_png(certificate_pdf(facts("Jose\u0301 Pe\u0301rez"), "es"), tmp_path / "apart")
    whole = page_one_png(certificate_pdf(facts("José Pérez"), "es"), tmp_path / "whole")
    band = (0, int(whole.height * 0.30), whole.width, int(whole.height * 0.45))
    assert ImageChops.difference(apart.crop(band), whole.crop(band)).getbbox() is None
