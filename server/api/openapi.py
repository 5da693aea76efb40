"""The API's OpenAPI 3.1 document, its row schemas made from the registry (data/model/columns.py):
a column declared there is in the ranking's schema, its JSON and its CSV at once. It is the
document of the configuration in force: its campaign's slug and datasets are the values allowed."""

from __future__ import annotations

import functools
from typing import Any

from components.i18n import LANGUAGES
from data.config import CampaignConfig
from data.model import columns
from data.model.ranking import api_periods
from data.routes import API

JSON_TYPES: dict[str, dict[str, Any]] = {
    "rank": {"type": "integer"},
    "bar": {"type": "integer"},
    "count": {"type": "integer"},
    "number": {"type": ["number", "null"]},
    "decimal": {"type": ["number", "null"]},
    "share": {"type": ["number", "null"]},
    "progress": {"type": ["number", "null"]},
    "time": {"type": ["string", "null"], "format": "date-time"},
    "date": {"type": ["string", "null"]},
    "flag": {"type": "boolean"},
    "link": {"type": ["string", "null"]},
    "text": {"type": ["string", "null"]},
}
OPEN: dict[str, Any] = {"type": "object"}  # rows whose columns the registry does not fix
TEXT: dict[str, Any] = {"type": ["string", "null"]}


def _row(declared: tuple[columns.Column, ...], extra: tuple[str, ...] = ()) -> dict[str, Any]:
    properties = {c.name: {**JSON_TYPES[c.kind], "description": c.help or c.label} for c in declared}
    properties |= {name: TEXT for name in extra}
    return {"type": "object", "properties": properties, "required": [c.name for c in declared]}


def _answer(rows: dict[str, Any], key: str = "rows", single: bool = False, **meta: Any) -> dict[str, Any]:
    properties = {"as_of": {"type": ["string", "null"], "format": "date-time"}, **meta}
    properties[key] = rows if single else {"type": "array", "items": rows}
    return {"type": "object", "properties": properties, "required": ["as_of", key]}


def _responses(schema: dict[str, Any] | None, csv: bool = True, svg: bool = False) -> dict[str, Any]:
    """JSON (`schema`) and CSV (with `csv`); only CSV without a schema (a `.csv` path); only an
    SVG image with `svg` (a badge)."""
    content: dict[str, Any] = {"application/json": {"schema": schema}} if schema is not None else {}
    if csv:
        content["text/csv"] = {"schema": {"type": "string"}}
    if svg:
        content = {"image/svg+xml": {"schema": {"type": "string"}}}
    problem = {"application/problem+json": {"schema": {"$ref": "#/components/schemas/Problem"}}}
    return {
        "200": {"description": "the answer", "content": content},
        "304": {"description": "not modified since the ETag given in If-None-Match"},
        "400": {"description": "a parameter out of range", "content": problem},
        "404": {"description": "no such campaign, person or table", "content": problem},
        "429": {"description": "too many requests: see Retry-After", "content": problem},
        "503": {"description": "the first read is under way: see Retry-After", "content": problem},
    }


def _query(name: str, schema: dict[str, Any], description: str, many: bool = False) -> dict[str, Any]:
    schema = {"type": "array", "items": schema} if many else schema
    return {"name": name, "in": "query", "required": False, "schema": schema, "description": description}


PAGING = [
    _query("page", {"type": "integer", "minimum": 1, "maximum": 1_000_000}, "1-based (JSON only)"),
    _query("per_page", {"type": "integer", "minimum": 1, "maximum": 1000}, "rows per page (JSON only)"),
]
DATE = {"type": "string", "format": "date"}


@functools.lru_cache(maxsize=8)
def document(config: CampaignConfig) -> dict[str, Any]:
    ranking_row = _row(columns.CSV_COLUMNS, extra=("team", "country"))
    slug = {"name": "slug", "in": "path", "required": True, "schema": {"type": "string", "enum": [config.slug]}}
    dataset = {"type": "string", "enum": [d.name for d in config.datasets]}
    paths = {
        "/campaigns": ("The campaigns on this board, each with its slug", [], _answer(OPEN), False),
        "/campaigns/{slug}/ranking": (
            "The ranking (the export page's CSV, row for row, for the same filters)",
            [
                slug,
                _query("dataset", dataset, "only these datasets (by name)", many=True),
                _query(
                    "period",
                    {"type": "string", "enum": list(api_periods(config.windowed_rankings))},
                    "the whole campaign, this calendar week (from Monday) or month, or the last 7 days",
                ),
                _query("start", DATE, "from this day of the campaign's time zone (with end: instead of period)"),
                _query("end", DATE, "up to this day, inclusive"),
                _query("team", {"type": "string"}, "only this team (with a roster)"),
                _query("country", {"type": "string"}, "only this country (with a roster)"),
                _query("q", {"type": "string"}, "usernames containing this, ignoring case and accents"),
                *PAGING,
            ],
            _answer(ranking_row, counted_until={"type": "string"}, total={"type": "integer"}),
            True,
        ),
        "/campaigns/{slug}/contributors/{username}": (
            "One contributor, by their full username",
            [slug, {"name": "username", "in": "path", "required": True, "schema": {"type": "string"}}],
            _answer(ranking_row, key="contributor", single=True),
            False,
        ),
        "/campaigns/{slug}/progress": ("Per dataset: records completed and pending", [slug], _answer(OPEN), True),
        "/campaigns/{slug}/teams": (
            "The standings by team or country (with a roster)",
            [slug, _query("by", {"type": "string", "enum": ["team", "country"]}, "the grouping")],
            _answer(OPEN),
            True,
        ),
        "/campaigns/{slug}/projects": (
            "The hackathon projects by likes; at=deadline: as of [hub] deadline",
            [slug, _query("at", {"type": "string", "enum": ["now", "deadline"]}, "now, or as of the deadline")],
            _answer(OPEN),
            True,
        ),
    }
    operations: dict[str, Any] = {}
    for path, (summary, parameters, schema, csv) in paths.items():
        get = {"summary": summary, "parameters": parameters, "responses": _responses(schema, csv)}
        operations[API + path] = {"get": get}
        if csv:
            operations[API + path + ".csv"] = {
                "get": {**get, "summary": summary + " (CSV)", "responses": _responses(None)}
            }
    lang = _query("lang", {"type": "string", "enum": list(LANGUAGES)}, "the badge's language")
    username = {"name": "username", "in": "path", "required": True, "schema": {"type": "string"}}
    badges = {
        "/campaigns/{slug}/badge.svg": ("The campaign's progress as a badge", [slug, lang]),
        "/campaigns/{slug}/contributors/{username}/badge.svg": (
            "One contributor's rank and validations as a badge",
            [slug, username, lang],
        ),
    }
    for path, (summary, parameters) in badges.items():
        responses = _responses(None, csv=False, svg=True)
        operations[API + path] = {"get": {"summary": summary, "parameters": parameters, "responses": responses}}
    return {
        "openapi": "3.1.0",
        "info": {
            "title": f"{config.site.board(config.title)} API",
            "version": "1",
            "description": "Read-only; JSON or CSV.",
        },
        "paths": operations,
        "components": {
            "schemas": {
                "Problem": {
                    "type": "object",
                    "properties": {
                        "title": {"type": "string"},
                        "status": {"type": "integer"},
                        "detail": {"type": "string"},
                    },
                    "required": ["title", "status", "detail"],
                }
            }
        },
    }
