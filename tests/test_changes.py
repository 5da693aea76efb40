"""The long-poll of open pages (`GET /_tablero/changes`) under hostile clients, through the real
route and Starlette: a client asking in a loop with made-up versions gets no rerun turn, and one
client's thousand waiting questions do not hold back anyone else's page."""

import asyncio
import contextlib
from concurrent.futures import ThreadPoolExecutor

import httpx
import pytest
from starlette.applications import Starlette
from starlette.routing import Route

from data.in_progress import InProgress
from server import changes
from server.changes import CHANGES, SHOWN, changes_route

pytestmark = pytest.mark.fault

HOSTILE, VISITOR = "203.0.113.9", "198.51.100.7"


def board(versions: dict[str, str]) -> Starlette:
    return Starlette(
        routes=[Route("/c", changes_route(lambda key: (versions[key], None) if key in versions else None))]
    )


def in_a_loop_of_its_own(coroutine):
    """Run the server and its clients in an event loop of their own thread (the browser tests'
    Playwright keeps one running in this thread)."""
    with ThreadPoolExecutor(1) as pool:
        return pool.submit(asyncio.run, coroutine).result()


def client(app: Starlette, address: str) -> httpx.AsyncClient:
    return httpx.AsyncClient(transport=httpx.ASGITransport(app=app, client=(address, 40000)), base_url="http://t")


def test_one_clients_many_questions_and_made_up_versions_hold_back_no_one_else(monkeypatch):
    monkeypatch.setattr(changes, "BUDGET", CountingBudget(rate=8.0, burst=1))
    turns.clear()

    async def scenario() -> tuple[list[str], int]:
        CHANGES.bind()
        versions = {"c": "v1"}
        app = board(versions)
        SHOWN.note("c", "v1")  # the version the pages were drawn with
        released: list[str] = []

        async def ask(who: str, address: str, seen: str) -> None:
            async with client(app, address) as http:
                answer = await http.get("/c", params={"k": "c", "v": seen}, timeout=60)
                assert answer.status_code == 200
                released.append(who)

        hostile = [asyncio.create_task(ask("hostile", HOSTILE, "v1")) for _ in range(300)]
        made_up = [asyncio.create_task(ask("made up", HOSTILE, f"bogus-{n}")) for n in range(300)]
        await asyncio.sleep(0.5)
        visitor = asyncio.create_task(ask("visitor", VISITOR, "v1"))
        await asyncio.sleep(0.5)
        versions["c"] = "v2"  # a validation: every open page has something new to show
        CHANGES.poke()
        await visitor
        turned = [who for who in released if who != "made up"]  # those answered after a rerun turn
        turns_before = turned.index("visitor")
        for task in hostile + made_up:
            task.cancel()
        return turned, turns_before

    released, before = in_a_loop_of_its_own(scenario())
    assert before <= 2, released[: before + 1]  # served in the first round, not behind 300 questions
    assert turns.count(HOSTILE) <= 300  # the 300 made-up versions asked for no turn at all


class CountingBudget(changes.Budget):
    """The real budget, noting who asked it for a turn."""

    async def turn(self, tier: int = changes.CAMPAIGN, client: str = "") -> None:
        turns.append(client)
        await super().turn(tier, client)


turns: list[str] = []


def test_made_up_versions_get_no_rerun_turn_and_are_answered_after_a_wait(monkeypatch):
    monkeypatch.setattr(changes, "BUDGET", CountingBudget())
    turns.clear()

    async def scenario() -> list[float]:
        CHANGES.bind()
        app = board({"c": "v1"})
        SHOWN.note("c", "v1")
        async with client(app, HOSTILE) as http:
            loop = asyncio.get_running_loop()
            waits = []
            for n in range(3):
                started = loop.time()
                answer = await http.get("/c", params={"k": "c", "v": f"inventada-{n}"}, timeout=10)
                assert answer.json()["v"] == changes.NO_VERSION  # rerun, and be drawn with the current one
                waits.append(loop.time() - started)
            return waits

    waits = in_a_loop_of_its_own(scenario())
    assert turns == [] and min(waits) >= changes.UNKNOWN_WAIT * 0.9  # no turn; a loop of them spins slowly


def test_changed_pages_rerun_the_author_first_then_one_persons_pages_then_the_campaigns(monkeypatch):
    """Versions as Services.version makes them (a person's led by their own row's fingerprint): a
    validation changes the author's own row, a neighbour's page and every campaign-wide page at
    once; the author's page gets the first turn, the neighbours' the next ones, Inicio's the rest."""
    monkeypatch.setattr(changes, "BUDGET", changes.Budget(rate=40.0, burst=1))
    author, neighbour = "u" + "a" * 16, "u" + "b" * 16
    versions = {"c": "whole1", author: "own1~page1", neighbour: "own2~page2"}

    async def scenario() -> list[str]:
        CHANGES.bind()
        app = board(versions)
        for key, version in versions.items():
            SHOWN.note(key, version)
        released: list[str] = []

        async def ask(who: str, key: str, address: str) -> None:
            seen = versions[key]
            async with client(app, address) as http:
                answer = await http.get("/c", params={"k": key, "v": seen}, timeout=60)
                assert answer.status_code == 200 and answer.json()["v"] != seen
                released.append(who)

        waiting = [ask("campaign", "c", f"192.0.2.{n}") for n in range(30)]
        waiting += [ask("neighbour", neighbour, f"198.51.100.{n}") for n in range(10)]
        waiting.append(ask("author", author, VISITOR))
        tasks = [asyncio.create_task(question) for question in waiting]
        await asyncio.sleep(0.5)
        versions.update({"c": "whole2", author: "own1b~page1b", neighbour: "own2~page2b"})
        CHANGES.poke()
        await asyncio.gather(*tasks)
        return released

    released = in_a_loop_of_its_own(scenario())
    assert released[0] == "author"
    assert set(released[1:11]) == {"neighbour"} and set(released[11:]) == {"campaign"}


def test_a_campaign_page_waits_behind_one_persons_pages_no_longer_than_overdue():
    """Neighbours' pages that keep coming faster than the budget lets them go (many tabs a person,
    a validation every few seconds) would hold *Inicio* back for as long as they come: once it has
    waited `overdue` seconds it takes every other turn from them."""

    async def scenario(overdue: float) -> tuple[float, int]:
        budget = changes.Budget(rate=50.0, burst=1, overdue=overdue)
        loop = asyncio.get_running_loop()
        started, released = loop.time(), []

        async def neighbour(n: int) -> None:
            await budget.turn(changes.PERSON, f"198.51.100.{n % 200}")
            released.append("neighbour")

        async def campaign() -> float:
            await budget.turn(changes.CAMPAIGN, "192.0.2.1")
            released.append("campaign")
            return loop.time() - started

        neighbours = [asyncio.create_task(neighbour(n)) for n in range(10)]
        waited = asyncio.create_task(campaign())
        for n in range(10, 200):  # 100 a second, twice what the budget lets go
            neighbours.append(asyncio.create_task(neighbour(n)))
            await asyncio.sleep(0.01)
        await asyncio.wait_for(asyncio.gather(waited, *neighbours), 30)
        return waited.result(), released.index("campaign")

    took, place = in_a_loop_of_its_own(scenario(overdue=0.5))
    assert 0.5 <= took < 1.2 and place < 60  # at 50 a second, some 25 neighbours went before it
    took, place = in_a_loop_of_its_own(scenario(overdue=60))
    assert place == 200  # never overdue: behind every neighbour


@pytest.mark.parametrize(
    "key, seen, current, tier",
    [
        ("uabc", "own1~x", "own2~x", changes.OWN_ROW),
        ("uabc", "own1~x", "own1~y", changes.PERSON),
        ("uabc", "x", "y", changes.PERSON),  # a person not ranked: no own row
        ("c", "own1~x", "own2~y", changes.CAMPAIGN),
        ("o", "x", "y", changes.CAMPAIGN),
    ],
)
def test_tier_of(key, seen, current, tier):
    assert changes.tier_of(key, seen, current) == tier


@pytest.mark.parametrize("held_by", ["reruns under way", "a new state taken in"])
def test_background_reruns_wait_while_held_but_an_authors_page_does_not(held_by):
    """Background reruns wait while as many as allowed are under way, or while the process takes
    in a new state (they would draw the one it replaces); the page of someone whose own figures
    moved goes anyway."""
    under_way, taking_in = [changes.AT_ONCE if held_by == "reruns under way" else 0], InProgress()

    async def scenario() -> tuple[list[str], list[str]]:
        budget = changes.Budget(rate=100.0, burst=4, running=lambda: under_way[0], taking_in=taking_in)
        released: list[str] = []

        async def wait(tier: int, who: str) -> None:
            await budget.turn(tier, who)
            released.append(who)

        with taking_in if held_by == "a new state taken in" else contextlib.nullcontext():
            tasks = [asyncio.create_task(wait(changes.CAMPAIGN, f"c{n}")) for n in range(3)]
            tasks.append(asyncio.create_task(wait(changes.OWN_ROW, "author")))
            await asyncio.sleep(0.3)
            while_held = list(released)
            under_way[0] = 0  # they ended
        await asyncio.wait_for(asyncio.gather(*tasks), 5)
        return while_held, released

    while_held, released = in_a_loop_of_its_own(scenario())
    assert while_held == ["author"] and sorted(released[1:]) == ["c0", "c1", "c2"]


def test_a_clients_pages_go_in_the_order_they_asked_and_one_that_asks_again_goes_last():
    """Many tabs behind one address, each asking again as soon as its page has rerun (a validation
    every few seconds): none overtakes another that was waiting before it, so none waits for ever;
    and a page of another client goes among the first."""

    async def scenario() -> list[str]:
        budget = changes.Budget(rate=200.0, burst=1)
        released: list[str] = []

        async def tab(name: str, rounds: int) -> None:
            for round_ in range(rounds):
                await budget.turn(changes.OWN_ROW, "10.0.0.1")
                released.append(f"{name}.{round_}")
                await asyncio.sleep(0)  # rerun, then ask again

        tabs = [asyncio.create_task(tab(f"t{n}", 3)) for n in range(30)]
        await asyncio.sleep(0.02)
        other = asyncio.create_task(budget.turn(changes.OWN_ROW, "192.0.2.1"))
        other.add_done_callback(lambda _: released.append("other"))
        await asyncio.wait_for(asyncio.gather(*tabs, other), 10)
        return released

    released = in_a_loop_of_its_own(scenario())
    rounds = [int(name.rpartition(".")[2]) for name in released if name != "other"]
    assert rounds == sorted(rounds)  # every tab's first turn before any tab's second, and so on
    assert released.index("other") < 30  # not behind the 30 tabs' queue, nor their second turns


def test_an_authors_many_pages_go_at_their_own_pace_and_never_in_a_crowd():
    """Thirty tabs of one author's page, each drawing for a moment once released: they go by a
    bucket of their own (here 50 times the campaign-wide pages' rate), not behind the campaign's
    pace, and no more than `AT_ONCE` + 1 are ever under way, whatever their bucket holds."""
    under_way = [0]
    most = [0]

    async def scenario() -> float:
        budget = changes.Budget(rate=0.5, burst=4, own_rate=25.0, running=lambda: under_way[0])

        async def tab() -> None:
            await budget.turn(changes.OWN_ROW, "10.0.0.1")
            under_way[0] += 1
            most[0] = max(most[0], under_way[0])
            await asyncio.sleep(0.02)  # its page draws
            under_way[0] -= 1

        started = asyncio.get_running_loop().time()
        await asyncio.wait_for(asyncio.gather(*(tab() for _ in range(30))), 20)
        return asyncio.get_running_loop().time() - started

    took = in_a_loop_of_its_own(scenario())
    assert took < 13  # a quarter of the campaign-wide bucket's 52 s (4 at once, then 0.5 a second)
    assert most[0] <= changes.AT_ONCE + 1


def test_an_authors_page_waits_while_a_page_someone_asked_for_is_drawn():
    """A click goes first: while a reader's page is being drawn, the author's pages wait (their
    bucket full), and go as soon as it is drawn."""
    drawing = InProgress()

    async def scenario() -> tuple[list[str], list[str]]:
        budget = changes.Budget(rate=100.0, burst=4, own_rate=100.0, busy=drawing)
        released: list[str] = []

        async def wait(who: str) -> None:
            await budget.turn(changes.OWN_ROW, "10.0.0.1")
            released.append(who)

        with drawing:
            tasks = [asyncio.create_task(wait(f"tab{n}")) for n in range(3)]
            await asyncio.sleep(0.3)
            while_drawn = list(released)
        await asyncio.wait_for(asyncio.gather(*tasks), 5)
        return while_drawn, released

    while_drawn, released = in_a_loop_of_its_own(scenario())
    assert while_drawn == [] and sorted(released) == ["tab0", "tab1", "tab2"]
