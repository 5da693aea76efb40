"""One way to search everywhere: case and accents ignored both ways, literal text, no regex."""

import pandas as pd
import pytest

from data.model.people import close_names
from data.model.ranking import search_and_sort
from data.text import folded, matching

NAMES = pd.Series(["José", "jose_luis", "JOSEFINA", "Núñez", "Ana", "a.b*c", None], dtype="string")


@pytest.mark.parametrize(
    "typed, found",
    [
        ("jose", {"José", "jose_luis", "JOSEFINA"}),
        ("José", {"José", "jose_luis", "JOSEFINA"}),
        ("JOSÉ", {"José", "jose_luis", "JOSEFINA"}),
        ("nunez", {"Núñez"}),
        ("ÑÚÑ", {"Núñez"}),
        ("núñ", {"Núñez"}),
        ("b*c", {"a.b*c"}),
        (".*", set()),
    ],
)
def test_matching_ignores_case_and_accents_both_ways_and_is_literal(typed, found):
    assert set(NAMES[matching(NAMES, typed)]) == found


def test_an_empty_query_matches_everything_and_missing_names_never_match_text():
    assert matching(NAMES, "  ").all()
    assert not matching(NAMES, "a")[NAMES.isna().to_numpy()].any()


def test_the_ranking_search_and_the_close_names_agree():
    table = pd.DataFrame({"username": ["José", "Ana"], "rank": [1, 2], "validations": [5, 3]})
    assert search_and_sort(table, "jose", "rank")["username"].tolist() == ["José"]
    assert close_names(table["username"], "jose")[0] == "José"
    assert folded("Ñandú Ⅳ") == "nandu iv"
