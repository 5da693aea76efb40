"""Hub repos of all three kinds for an org the code has not seen, with the cases that matter."""

import random
from types import SimpleNamespace

PLACEHOLDER = "2022-03-02T23:29:04.000Z"


def make_repos(org: str, count: int = 23, seed: int = 3) -> dict[str, list[dict]]:
    rng = random.Random(seed)
    repos = {"model": [], "dataset": [], "space": []}
    for i in range(count):
        kind = ["model", "dataset", "space"][i % 3]
        created = PLACEHOLDER if i % 11 == 5 else f"2024-0{3 + i % 3}-{1 + i % 27:02d}T10:00:00.000Z"
        item = {
            "_id": f"id{i:04d}",
            "id": f"{org}/proyecto-{i}",
            "author": org,
            "likes": rng.randint(0, 40),
            "createdAt": created,
            "lastModified": "2024-05-01T10:00:00.000Z",
            "private": i % 9 == 4,
            "disabled": i % 13 == 7,
            "tags": ["somos600m"] + (["es"] if i % 2 else []),
            "downloads": 3,
            "trendingScore": 1,
        }
        if kind == "space":
            item.update(
                sdk=rng.choice(["gradio", "streamlit", "docker"]),
                runtime={"stage": rng.choice(["RUNNING", "SLEEPING"]), "hardware": {"current": "cpu-basic"}},
            )
        repos[kind].append(item)
    repos["model"].append(
        {
            "_id": "other",
            "id": "someone-else/model",
            "author": "someone-else",
            "likes": 999,
            "createdAt": "2024-03-10T10:00:00.000Z",
            "private": False,
            "tags": [],
        }
    )
    return repos


URLS = {
    "model": "https://huggingface.co/",
    "dataset": "https://huggingface.co/datasets/",
    "space": "https://huggingface.co/spaces/",
}


def expected_board(repos, org, since=None, until=None, exclude=()):
    """The repos the leaderboard must list, as (url, likes), computed with plain Python."""
    rows = []
    for kind, items in repos.items():
        for item in items:
            if item["id"].split("/")[0] != org or item.get("private") or item.get("disabled"):
                continue
            if item["id"] in exclude:
                continue
            created = item.get("createdAt")
            day = created[:10] if created and created != PLACEHOLDER else None
            if since and (day is None or day < since):
                continue
            if until and (day is None or day > until):
                continue
            rows.append((URLS[kind] + item["id"], item["likes"]))
    return sorted(rows, key=lambda r: -r[1])


class HeldFeed:
    """A feed as `StateSync` sees one: a source and its poller's value, set by the test itself."""

    def __init__(self, source: str, value=None):
        self.source = source
        self.poller = SimpleNamespace(state=SimpleNamespace(value=value))
        self.adopted = []
        self.appearance = None  # nobody's choices of how to appear (data/feeds/appearance.py)

    def adopt(self, value) -> None:
        self.adopted.append(value)

    def held(self):
        return self.poller.state.value


def org_hub(org: str, tokens: dict[str, str]):
    """The Hub-shaped server, started, with `org`'s repos and these tokens (token -> role)."""
    from tests.servers.hub_server import HubServer

    server = HubServer().start()
    server.state.repos = make_repos(org)
    server.state.store.tokens = tokens
    return server
