import datetime as dt

from components.i18n import TEXTS, age


def test_spanish_and_english_have_the_same_keys():
    assert set(TEXTS["es"]) == set(TEXTS["en"])


def test_placeholders_match():
    import string

    for key, text in TEXTS["es"].items():
        names = {f for _, f, _, _ in string.Formatter().parse(text) if f}
        other = {f for _, f, _, _ in string.Formatter().parse(TEXTS["en"][key]) if f}
        assert names == other, key


def test_ages_under_a_minute_are_said_in_seconds():
    """A read that landed eight seconds ago is not 'a minute ago'; a next read can be in the future."""
    assert age(dt.timedelta(seconds=8), "en") == "8 seconds ago"
    assert age(dt.timedelta(seconds=8), "es") == "hace 8 segundos"
    assert age(dt.timedelta(0), "en") == "1 second ago"
    assert age(dt.timedelta(minutes=3, seconds=10), "es") == "hace 3 minutos"
    assert age(-dt.timedelta(seconds=12), "en") == "in 12 seconds"
