"""The fingerprints open pages are rerun by (data.model.digests), on rankings aggregated from
responses: a validation moves its author's own figures, the neighbourhood of a few others (ranks
among them), and nobody else's page; the order in which changed pages are rerun follows from that
(tests/test_changes.py)."""

import pandas as pd

from data.model import aggregate, digests
from tests.test_aggregate import day, responses

PEOPLE = [f"persona{n:02d}" for n in range(12)]


def ranking(extra: dict[str, int]) -> pd.DataFrame:
    """Persona n validated 3 * (12 - n) records (distinct counts: the ranking's order is theirs),
    plus `extra` more each."""
    rows = []
    for n, person in enumerate(PEOPLE):
        for record in range(3 * (12 - n) + extra.get(person, 0)):
            rows.append(("d", str(record), person, "submitted", day(5), False))
    return aggregate.contributors(responses(rows), min_validations=10)


def changed(before: dict[str, str], after: dict[str, str]) -> tuple[set[str], set[str]]:
    """Whose own figures moved, and whose page moved at all."""
    keys = {digests.user_key(person): person for person in PEOPLE}
    own = {keys[k] for k in before if digests.own(before[k]) != digests.own(after[k])}
    return own, {keys[k] for k in before if before[k] != after[k]}


def test_a_validation_moves_its_authors_own_row_and_only_its_neighbourhoods_pages():
    before = digests.user_digests(ranking({}), salt="2024-03-05")
    after = digests.user_digests(ranking({"persona06": 1}), salt="2024-03-05")  # 19 of 21 and 18 apart
    own, pages = changed(before, after)
    assert own == {"persona06"}
    assert pages == {f"persona{n:02d}" for n in range(6 - digests.NEIGHBOURS, 7 + digests.NEIGHBOURS)}


def test_a_validation_that_passes_someone_moves_their_page_but_only_the_authors_own_figures():
    before = digests.user_digests(ranking({}), salt="2024-03-05")
    after = digests.user_digests(ranking({"persona06": 4}), salt="2024-03-05")  # 22: passes persona05's 21
    own, pages = changed(before, after)
    assert own == {"persona06"}  # persona05's rank moved, not a figure of their own
    assert {"persona05", "persona06"} <= pages


def test_passing_a_group_of_ties_moves_every_page_in_it_and_one_persons_own_figures():
    """Competition ranks: one validation that passes three people tied moves the three ranks at
    once; the author is still the only one whose own figures moved (their page reruns first)."""
    tied = {"persona07": 3, "persona08": 6}  # 18, 18, 18 with persona06's: ranks 7, 7, 7
    before = digests.user_digests(ranking({**tied, "persona09": 9}), salt="2024-03-05")  # 18 too
    after = digests.user_digests(ranking({**tied, "persona09": 10}), salt="2024-03-05")  # 19: first of them
    own, pages = changed(before, after)
    assert own == {"persona09"}
    assert {"persona06", "persona07", "persona08", "persona09"} <= pages


def test_a_person_s_version_leads_with_their_own_row_and_a_campaign_s_has_none():
    prints = digests.user_digests(ranking({}), salt="2024-03-05")
    version = prints[digests.user_key("persona03")]
    assert len(digests.own(version)) == 16 and version.startswith(digests.own(version) + digests.OWN)
    assert digests.own(digests.content(ranking({}))) == ""
    other_day = digests.user_digests(ranking({}), salt="2024-03-06")[digests.user_key("persona03")]
    assert digests.own(other_day) != digests.own(version)  # the day (the streak's) is in it
