"""The translation catalogues (locales/): every text of the code translated in every shipped language,
none left over, placeholders kept, no text built at run time; plural forms and contexts as gettext
does them."""

import ast
import datetime as dt
import functools
import string

import pytest

from components import i18n
from components.i18n import age
from scripts import i18n as catalogues

LANGUAGES = sorted(catalogues.language_files())


def placeholders(text: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(text) if name}


def test_english_is_shipped_and_every_catalogue_is_offered():
    assert "en" in LANGUAGES
    assert set(i18n.LANGUAGES) == {"es", *LANGUAGES}
    assert i18n.LANGUAGES["es"] == "Español" and i18n.LANGUAGES["en"] == "English"


def test_the_template_holds_exactly_the_texts_of_the_code():
    assert catalogues.keys(catalogues.read(catalogues.TEMPLATE)) == catalogues.keys(catalogues.extracted()), (
        "locales/messages.pot is out of step: run python -m scripts.i18n"
    )


@pytest.mark.parametrize("lang", LANGUAGES)
def test_every_text_is_translated_and_none_is_left_over(lang):
    code = catalogues.keys(catalogues.extracted())
    catalog = catalogues.read(catalogues.language_files()[lang])
    assert catalogues.keys(catalog) == code, "run python -m scripts.i18n, then translate what it adds"
    for message in catalog:
        if not message.id:
            continue
        forms = message.string if isinstance(message.string, tuple) else (message.string,)
        assert all(forms) and not message.fuzzy, f"{lang}: {message.id!r} is not translated"
        assert len(forms) == catalog.num_plurals or not message.pluralizable, message.id
        if message.pluralizable:  # a form may leave the count out ("One PDF…"), never add a name
            allowed = set().union(*map(placeholders, message.id))
            assert all(placeholders(form) <= allowed for form in forms), f"{lang}: placeholders of {message.id!r}"
            assert placeholders(forms[-1]) == placeholders(message.id[1]), f"{lang}: placeholders of {message.id!r}"
        else:
            assert placeholders(forms[0]) == placeholders(message.id), f"{lang}: placeholders of {message.id!r}"


def message_arguments(call: ast.Call) -> list[ast.expr]:
    name = call.func.id if isinstance(call.func, ast.Name) else getattr(call.func, "attr", None)
    if name not in catalogues.KEYWORDS:
        return []
    positions = [p if isinstance(p, int) else p[0] for p in (catalogues.KEYWORDS[name] or (1,))]
    return [call.args[p - 1] for p in positions if len(call.args) >= p]


@functools.cache
def code_nodes() -> tuple[tuple[str, ast.AST], ...]:
    """Every node of the code's syntax trees, with the file it is in (parsed once for these tests)."""
    return tuple(
        (str(path.relative_to(catalogues.ROOT)), node)
        for path in catalogues.source_files()
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8")))
    )


def test_no_text_is_built_at_run_time():
    """A text is a literal (or a name holding one marked with N_), never an f-string or a sum:
    the extractor could not see it, and a translator could not translate it."""
    built = [
        f"{where}:{node.lineno}"
        for where, node in code_nodes()
        if isinstance(node, ast.Call)
        for argument in message_arguments(node)
        if isinstance(argument, ast.JoinedStr | ast.BinOp)
        or (isinstance(argument, ast.Call) and getattr(argument.func, "attr", "") == "format")
    ]
    assert not built, built


def literal_texts() -> dict[str, str]:
    """Every literal text the code hands to t/tn/tc/N_, as Python itself reads it, with where it is."""
    return {
        argument.value: f"{where}:{node.lineno}"
        for where, node in code_nodes()
        if isinstance(node, ast.Call)
        for argument in message_arguments(node)
        if isinstance(argument, ast.Constant) and isinstance(argument.value, str)
    }


def test_the_extractor_sees_every_text_of_the_code():
    """Babel reads tokens, not the syntax tree: a call inside an f-string, or a text in extra
    parentheses, would be shown untranslated without any other test noticing."""
    extracted = set()
    for context, message in catalogues.keys(catalogues.extracted()):
        extracted.update(message if isinstance(message, tuple) else (message,), {context} - {None})
    unseen = {text: where for text, where in literal_texts().items() if text not in extracted}
    assert not unseen, unseen


def test_no_literal_text_is_looked_up_inside_an_f_string():
    """On Python 3.11 an f-string is one token to Babel's extractor: a literal text inside it is
    found only by luck (when the same text also appears elsewhere)."""
    inside = [
        f"{where}:{call.lineno}"
        for where, node in code_nodes()
        if isinstance(node, ast.JoinedStr)
        for call in ast.walk(node)
        if isinstance(call, ast.Call) and any(isinstance(a, ast.Constant) for a in message_arguments(call))
    ]
    assert not inside, inside


def test_plural_forms_and_contexts_follow_the_catalogue():
    assert i18n.tn("en", "{n} día", "{n} días", 1, n="1") == "1 day"
    assert i18n.tn("en", "{n} día", "{n} días", 3, n="3") == "3 days"
    assert i18n.tn("es", "{n} día", "{n} días", 1, n="1") == "1 día"
    assert i18n.tn("es", "{n} día", "{n} días", 0, n="0") == "0 días"
    assert i18n.t("en", "Personas") == "Contributors" and i18n.tc("en", "equipos", "Personas") == "People"


def test_an_unknown_language_or_text_falls_back_to_spanish():
    assert i18n.t("xx", "Validaciones") == "Validaciones"
    assert i18n.t("en", "Un texto que nadie tradujo {n}", n=2) == "Un texto que nadie tradujo 2"


def test_ages_under_a_minute_are_said_in_seconds():
    """A read that landed eight seconds ago is not 'a minute ago'; a next read can be in the future."""
    assert age(dt.timedelta(seconds=8), "en") == "8 seconds ago"
    assert age(dt.timedelta(seconds=8), "es") == "hace 8 segundos"
    assert age(dt.timedelta(0), "en") == "1 second ago"
    assert age(dt.timedelta(minutes=3, seconds=10), "es") == "hace 3 minutos"
    assert age(-dt.timedelta(seconds=12), "en") == "in 12 seconds"


@pytest.mark.parametrize(
    ("header", "chosen"),
    [
        ("", "es"),
        ("*", "es"),
        ("en-US,en;q=0.9", "en"),
        ("EN-gb", "en"),
        ("es-419,es;q=0.9,en;q=0.8", "es"),
        ("fr-FR,fr;q=0.9,en;q=0.8,es;q=0.7", "en"),  # the first the board speaks, in the browser's order
        ("en;q=0.1,es;q=0.5", "es"),  # by weight, not by position
        ("de-DE,en;q=0", "es"),  # q=0: "not this one"
        ("en;q=abc, es", "es"),  # a weight that is not a number: that entry is ignored
    ],
)
def test_a_browsers_accept_language_picks_the_first_language_it_asks_for(header, chosen):
    assert i18n.preferred(header) == chosen


def test_a_first_read_names_a_kind_of_repo_in_the_readers_language_and_a_dataset_as_titled():
    from components.navigation import FeedKind
    from components.status import read_label

    assert [read_label("model", FeedKind.PROJECTS, lang) for lang in ("es", "en")] == ["modelo", "model"]
    assert read_label("model", FeedKind.CAMPAIGN, "es") == "model"  # a dataset titled so keeps its title
    assert read_label("MMLU", FeedKind.CAMPAIGN, "en") == "MMLU"
