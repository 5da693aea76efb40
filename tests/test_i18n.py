from components.i18n import TEXTS


def test_spanish_and_english_have_the_same_keys():
    assert set(TEXTS["es"]) == set(TEXTS["en"])


def test_placeholders_match():
    import string

    for key, text in TEXTS["es"].items():
        names = {f for _, f, _, _ in string.Formatter().parse(text) if f}
        other = {f for _, f, _, _ in string.Formatter().parse(TEXTS["en"][key]) if f}
        assert names == other, key
