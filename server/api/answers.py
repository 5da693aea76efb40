"""What the API answers: the process's shared read (the one the pages show), sliced as a request
asks. No answer reads an upstream: every frame comes from the read's memo
(data/feeds/campaign_read.py), so a thousand API calls cost what one page view costs.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import pandas as pd

from components import badges
from components.i18n import LANGUAGES
from data.feeds.campaign_read import CampaignRead
from data.feeds.poller import FeedView, Mode
from data.feeds.services import Services, every_services
from data.model import columns, export
from data.model.ranking import api_periods, period_filters
from data.text import matching

Params = Mapping[str, Sequence[str]]  # a query string: each name with its values
PER_PAGE, MAX_PER_PAGE = 100, 1000
GROUPINGS = ("team", "country")
WAITING = (Mode.FIRST_READ, Mode.OFF)
SVG = "image/svg+xml"


class Problem(Exception):
    """An answer that is an error (RFC 9457): its status, a title and what to do about it."""

    def __init__(self, status: int, title: str, detail: str, retry_after: int | None = None):
        super().__init__(detail)
        self.status, self.title, self.detail, self.retry_after = status, title, detail, retry_after


@dataclass(frozen=True)
class Answer:
    meta: dict[str, Any]  # what the JSON says besides its rows (`as_of` first)
    rows: pd.DataFrame = field(default_factory=pd.DataFrame)  # JSON `rows` (or `single`'s object), or the CSV
    single: str | None = None  # the JSON holds the one row as this object instead of `rows`
    csv: Callable[[], bytes] | None = None  # the CSV when it is not the rows' own (the export page's)
    page: dict[str, int] = field(default_factory=dict)  # total, page, per_page, pages (JSON only)
    modified: dt.datetime | None = None  # Last-Modified
    only: tuple[str, Callable[[], bytes]] | None = None  # its one form (media type, body): a badge

    def csv_bytes(self) -> bytes:
        return self.csv() if self.csv is not None else export.to_csv(self.rows)


def campaigns(services: Services, path: Mapping[str, str], params: Params) -> Answer:
    """Every campaign of the board, the default one first (`services` is the default one's)."""
    rows = [_listed(each) for each in every_services()] or [_listed(services)]
    known = [row["as_of"] for row in rows if row["as_of"] is not None]
    latest = max(known) if known else None
    modified = dt.datetime.fromisoformat(latest) if latest else None
    return Answer({"as_of": latest}, pd.DataFrame(rows), modified=modified)


def _listed(services: Services) -> dict[str, Any]:
    config, view = services.config, services.campaign.view()
    value = view.value
    return {
        "slug": config.slug,
        "title": config.title,
        "start": config.start.isoformat() if config.start else None,
        "end": config.end.isoformat() if config.end else None,
        "datasets": len(value.datasets) if value is not None else len(config.datasets),
        "as_of": _iso(value.fetched_at) if value is not None else None,
        "data": view.mode.value,
    }


def ranking(services: Services, path: Mapping[str, str], params: Params) -> Answer:
    read, meta = _campaign(services, path["slug"])
    filters = _filters(read, params)
    team, country, query = _one(params, "team"), _one(params, "country"), _one(params, "q")
    roster = services.roster.current() if services.roster.configured else None
    table = read.placed(roster, filters) if roster is not None else read.contributors(filters)
    if team is not None or country is not None:
        if roster is None:
            raise Problem(404, "No roster", "this campaign has no roster: there are no teams or countries")
        for name, wanted in (("team", team), ("country", country)):
            if wanted is not None:
                table = table[table[name].str.casefold().eq(wanted.casefold()).fillna(False).to_numpy()]
    if query:
        table = table[matching(table["username"], query)]
    counted_until = read.counted_until(filters.end)
    names = [*columns.CSV_NAMES, *(GROUPINGS if roster is not None else ())]
    sliced = team is not None or country is not None or bool(query)
    csv = (lambda: export.ranking_csv(table, counted_until)) if sliced else (lambda: read.ranking_csv(filters))
    meta |= {
        "counted_until": _iso(counted_until),
        "filters": {
            "datasets": list(filters.datasets) if filters.datasets else None,
            "start": filters.start.isoformat() if filters.start else None,
            "end": filters.end.isoformat() if filters.end else None,
            "team": team,
            "country": country,
            "q": query,
        },
    }
    rows, page = _paged(table[names], params)
    return Answer(meta, rows, csv=csv, page=page, modified=read.fetched_at)


def contributor(services: Services, path: Mapping[str, str], params: Params) -> Answer:
    """One person by their full username (exactly as Argilla has it), in the whole campaign."""
    read, meta = _campaign(services, path["slug"])
    username = path["username"]
    roster = services.roster.current() if services.roster.configured else None
    table = read.placed(roster) if roster is not None else read.contributors()
    row = table[table["username"].eq(username).to_numpy()]
    if row.empty:
        raise Problem(404, "Not ranked", "nobody of that name has a validation in this campaign")
    names = [*columns.CSV_NAMES, *(GROUPINGS if roster is not None else ())]
    datasets = read.datasets_by_user().get(read.appearance.real_name(username), ())
    meta |= {"people": len(read.everyone()), "datasets": list(datasets)}
    return Answer(meta, row[names], single="contributor", modified=read.fetched_at)


def progress(services: Services, path: Mapping[str, str], params: Params) -> Answer:
    read, meta = _campaign(services, path["slug"])
    table = read.progress()
    total, completed = int(table["total"].sum()), int(table["completed"].sum())
    meta |= {"total": total, "completed": completed, "pct_done": completed / total if total else 0.0}
    return Answer(meta, table, modified=read.fetched_at)


def teams(services: Services, path: Mapping[str, str], params: Params) -> Answer:
    """The standings by team (or `by=country`), the people counted in no group last."""
    read, meta = _campaign(services, path["slug"])
    by = _choice(params, "by", GROUPINGS)
    if not services.roster.configured:
        raise Problem(404, "No roster", "this campaign has no roster: there are no teams or countries")
    roster = services.roster.current()
    meta |= {"by": by}
    return Answer(
        meta, read.standings(roster, by), csv=lambda: read.standings_csv(roster, by), modified=read.fetched_at
    )


def projects(services: Services, path: Mapping[str, str], params: Params) -> Answer:
    """The likes leaderboard; `at=deadline`: the standings as of `[hub] deadline`, once passed."""
    feed, view = services.projects, services.projects.view()
    value = _value(view, "projects")
    at = _choice(params, "at", ("now", "deadline"))
    meta: dict[str, Any] = {"as_of": _iso(value.fetched_at), "data": view.mode.value, "campaign": path["slug"]}
    if at == "now":
        return Answer(meta, feed.board(value), modified=value.fetched_at)
    frozen = feed.frozen(value)
    if frozen is None:
        raise Problem(404, "No deadline standings", "[hub] deadline is not set or has not passed yet")
    meta |= {"deadline": _iso(frozen.deadline), "reading_at": _iso(frozen.reading_at)}
    roster = services.roster.current()
    return Answer(meta, frozen.board, csv=lambda: feed.final_csv(value, roster), modified=value.fetched_at)


def campaign_badge(services: Services, path: Mapping[str, str], params: Params) -> Answer:
    """The campaign's progress as a badge (`lang`: its language)."""
    read, meta = _campaign(services, path["slug"])
    lang = _choice(params, "lang", tuple(LANGUAGES))
    table = read.progress()
    total, completed = int(table["total"].sum()), int(table["completed"].sum())
    svg = badges.campaign_badge(services.config.title, completed / total if total else 0.0, lang).svg
    return Answer(meta, modified=read.fetched_at, only=(SVG, lambda: svg))


def contributor_badge(services: Services, path: Mapping[str, str], params: Params) -> Answer:
    """One person's rank and validations as a badge, for their profile."""
    read, meta = _campaign(services, path["slug"])
    lang = _choice(params, "lang", tuple(LANGUAGES))
    table = read.contributors()
    row = table[table["username"].eq(path["username"]).to_numpy()]
    if row.empty:
        raise Problem(404, "Not ranked", "nobody of that name has a validation in this campaign")
    me = row.iloc[0]
    people = len(read.everyone())
    svg = badges.contributor_badge(
        str(me["username"]), int(me["rank"]), people, int(me["validations"]), services.config.title, lang
    ).svg
    return Answer(meta, modified=read.fetched_at, only=(SVG, lambda: svg))


# --- the common parts -------------------------------------------------------------------------
def _campaign(services: Services, slug: str) -> tuple[CampaignRead, dict[str, Any]]:
    view = services.campaign.view()
    value = _value(view, "campaign")
    read = services.campaign.read_of(value)
    return read, {"as_of": _iso(read.fetched_at), "data": view.mode.value, "campaign": slug}


def _value(view: FeedView[Any], what: str) -> Any:
    if view.mode == Mode.OFF:
        raise Problem(404, "Not configured", f"this dashboard reads no {what}")
    if view.value is None or view.mode == Mode.EARLY:  # a first look has no corrections: no figure of it here
        raise Problem(503, "Not read yet", f"the first read of the {what} is under way", retry_after=5)
    return view.value


def _filters(read: CampaignRead, params: Params) -> Any:
    datasets = tuple(params.get("dataset", ()))
    unknown = [name for name in datasets if name not in read.titles()]
    if unknown:
        raise Problem(400, "Unknown dataset", "no such dataset in this campaign (see /progress for its datasets)")
    offered = api_periods(read.config.windowed_rankings)
    period, start, end = _choice(params, "period", offered), _date(params, "start"), _date(params, "end")
    if start or end:
        period = "custom"  # dates chosen win over a period
    return period_filters(period, read.today, datasets or None, start, end)


def _paged(table: pd.DataFrame, params: Params) -> tuple[pd.DataFrame, dict[str, int]]:
    per_page = _int(params, "per_page", PER_PAGE, 1, MAX_PER_PAGE)
    pages = max(1, math.ceil(len(table) / per_page))
    page = _int(params, "page", 1, 1, 1_000_000)
    rows = table.iloc[(page - 1) * per_page : page * per_page]
    return rows, {"total": len(table), "page": page, "per_page": per_page, "pages": pages}


def _given(params: Params, name: str) -> str | None:
    """The parameter's (last) value as given, "" included; None when absent."""
    values = params.get(name) or ()
    return values[-1].strip()[:300] if values else None


def _one(params: Params, name: str) -> str | None:
    """A text filter: None when absent or empty (no filter)."""
    return _given(params, name) or None


def _choice(params: Params, name: str, allowed: Sequence[str]) -> str:
    given = _given(params, name)
    value = allowed[0] if given is None else given
    if value not in allowed:
        raise Problem(400, f"Bad {name}", f"{name} must be one of {', '.join(allowed)}")
    return value


def _int(params: Params, name: str, default: int, low: int, high: int) -> int:
    text = _given(params, name)
    if text is None:
        return default
    if not text.isascii() or not text.isdigit() or not low <= int(text) <= high:
        raise Problem(400, f"Bad {name}", f"{name} must be a whole number from {low} to {high}")
    return int(text)


def _date(params: Params, name: str) -> dt.date | None:
    text = _given(params, name)
    if text is None:
        return None
    try:
        if len(text) == 10:
            return dt.date.fromisoformat(text)
    except ValueError:
        pass
    raise Problem(400, f"Bad {name}", f"{name} must be a date like 2024-03-31")


def _iso(moment: dt.datetime | None) -> str | None:
    return moment.astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ") if moment is not None else None
