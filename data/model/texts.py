"""The marker of a text to translate where it is declared, not shown.

`N_("Validaciones")` returns its argument unchanged; `python -m scripts.i18n` finds it when it
extracts the catalogue's messages, and the UI translates it when it draws it (`t(lang, label)`).
It lives in the model, the lowest layer, so that declarations anywhere (columns, pages, error
kinds) can mark their texts without importing the UI.
"""


def N_(message: str) -> str:  # noqa: N802 (gettext's name for this marker)
    return message


def NC_(context: str, message: str) -> str:  # noqa: N802
    """`N_` for a text whose translation depends on a context (gettext's pgettext): drawn with `tc`."""
    return message
