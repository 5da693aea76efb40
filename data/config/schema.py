"""The engine of declared settings: a dataclass field per key, with its type, default, help and
checks (`setting`, `table`), the parser that checks a TOML table against them, and what the
reference table of the README is made of. Nothing here knows which settings exist: see
data/config/campaign.py. Datasette derives its settings and their documentation from one list the
same way."""

from __future__ import annotations

import dataclasses
import datetime as dt
import functools
import types
import typing
from collections.abc import Callable, Mapping
from dataclasses import MISSING, field
from typing import Any
from urllib.parse import urlparse


class ConfigError(ValueError):
    """A configuration problem, with a one-line message that names the key."""


# --- checks: each returns what is wrong with a value, or None ------------------------------------
# --- checks: each returns what is wrong with a value, or None ------------------------------------
def positive(value: float) -> str | None:
    return None if value > 0 else f"must be greater than 0, got {value}"


def not_negative(value: float) -> str | None:
    return None if value >= 0 else f"must be 0 or more, got {value}"


def setting(
    default: Any = MISSING,
    help: str = "",
    *,
    check: Callable[[Any], str | None] | None = None,
    url: bool = False,
    required: bool = False,
) -> Any:
    """Declare a `campaign.toml` key: a dataclass field with its help and checks.

    `url`: a full http(s) URL (a trailing slash dropped). A key without a default must always be
    given; `required`: must be given whenever its table is (the table itself being optional)."""
    return field(default=default, metadata={"help": help, "check": check, "url": url, "required": required})


def table(cls: type, help: str, *, many: bool = False) -> Any:
    """Declare a TOML table (`[name]`) or, with `many`, an array of tables (`[[name]]`)."""
    metadata = {"help": help, "table": cls, "many": many}
    return field(default=(), metadata=metadata) if many else field(default_factory=cls, metadata=metadata)


# --- the parser, derived from the declarations --------------------------------------------------
@functools.cache
def declared_fields(cls: type) -> tuple[tuple[dataclasses.Field[Any], Any], ...]:
    hints = typing.get_type_hints(cls)
    return tuple((f, hints[f.name]) for f in dataclasses.fields(cls))


def declared_keys(cls: type) -> list[str]:
    return [f.name for f, _ in declared_fields(cls)]


def is_required(f: dataclasses.Field[Any], given: Mapping[str, Any]) -> bool:
    """Must this key be in this table? Always without a default; if `required`, once the table is given."""
    return f.default is MISSING and f.default_factory is MISSING or bool(given) and bool(f.metadata.get("required"))


def parse_table(cls: type, data: Any, where: str) -> Any:
    """A dataclass from a TOML table, every key checked against its declaration."""
    if not isinstance(data, dict):
        raise ConfigError(f"{where}: expected a table")
    unknown = sorted(set(data) - set(declared_keys(cls)))
    if unknown:
        keys = sorted(f.name for f, _ in declared_fields(cls) if "table" not in f.metadata)
        raise ConfigError(f"{where}.{unknown[0]}: unknown key (allowed: {', '.join(keys)})")
    values = {}
    for f, kind in declared_fields(cls):
        nested = f.metadata.get("table")
        if nested is not None:
            values[f.name] = _parse_nested(f, nested, data.get(f.name), f.name)
        elif f.name in data:
            values[f.name] = _value(f, kind, data[f.name], f"{where}.{f.name}")
        elif is_required(f, data):
            raise ConfigError(f"{where}.{f.name}: missing required key")
    return cls(**values)


def _parse_nested(f: dataclasses.Field[Any], cls: type, data: Any, where: str) -> Any:
    if f.metadata["many"]:
        if not isinstance(data, list) or not data:
            raise ConfigError(f"{where}: expected at least one [[{where}]] table")
        return tuple(parse_table(cls, item, f"{where}[{index}]") for index, item in enumerate(data))
    return cls() if not data else parse_table(cls, data, where)


def _value(f: dataclasses.Field[Any], kind: Any, value: Any, where: str) -> Any:
    """One value, typed as its annotation says (`X | None` means X) and checked."""
    base = _base(kind)
    if base is dt.datetime:
        value = _datetime(value, where)
    elif base is dt.date:
        value = _date(value, where)
    elif typing.get_origin(base) is tuple:
        if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
            raise ConfigError(f"{where}: expected a list of strings")
        value = tuple(value)
    else:
        accepted = (int, float) if base is float else base
        if isinstance(value, bool) and base is not bool or not isinstance(value, accepted):
            raise ConfigError(f"{where}: expected {base.__name__}, got {type(value).__name__} {value!r:.60}")
        value = float(value) if base is float else value
    if isinstance(value, str):
        value = value.strip()
        if not value:
            raise ConfigError(f"{where}: must not be empty")
        if f.metadata.get("url"):
            value = _url(value, where)
    problem = f.metadata.get("check") and f.metadata["check"](value)
    if problem:
        raise ConfigError(f"{where}: {problem}")
    return value


def _date(value: Any, where: str) -> dt.date:
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    try:
        return dt.date.fromisoformat(value)
    except (TypeError, ValueError):
        raise ConfigError(f"{where}: expected a date like 2024-03-04, got {value!r:.60}") from None


def _datetime(value: Any, where: str) -> dt.datetime:
    """A moment in UTC: a TOML datetime (without an offset: UTC), an ISO 8601 text, or a date
    (its last second, as `end` counts its whole day)."""
    if isinstance(value, str):
        try:
            value = dt.datetime.fromisoformat(value.strip())
        except ValueError:
            raise ConfigError(
                f"{where}: expected a UTC datetime like 2024-04-10T23:59:00Z, got {value!r:.60}"
            ) from None
    if isinstance(value, dt.datetime):
        return value.replace(tzinfo=dt.UTC) if value.tzinfo is None else value.astimezone(dt.UTC)
    if isinstance(value, dt.date):
        return dt.datetime.combine(value, dt.time(23, 59, 59), tzinfo=dt.UTC)
    raise ConfigError(f"{where}: expected a UTC datetime like 2024-04-10T23:59:00Z, got {value!r:.60}")


def _url(value: str, where: str) -> str:
    parsed = urlparse(value)
    if parsed.scheme not in ("http", "https") or not parsed.netloc:
        raise ConfigError(f"{where}: expected a full URL starting with https://, got {value!r:.60}")
    return value.rstrip("/")


# --- the reference, derived from the declarations ------------------------------------------------
def _base(kind: Any) -> Any:
    """`X | None` -> X; any other annotation as it is."""
    if typing.get_origin(kind) in (typing.Union, types.UnionType):
        return next(k for k in typing.get_args(kind) if k is not type(None))
    return kind


def kind_name(f: dataclasses.Field[Any], kind: Any) -> str:
    base = _base(kind)
    if typing.get_origin(base) is tuple:
        return "list of text"
    if f.metadata.get("url"):
        return "URL"
    return {
        str: "text",
        int: "integer",
        float: "number",
        bool: "true/false",
        dt.date: "date",
        dt.datetime: "UTC datetime",
    }[base]


def toml_text(value: Any) -> str:
    if value is None:
        return "—"
    if isinstance(value, bool):
        return f"`{str(value).lower()}`"
    if isinstance(value, tuple):
        return "`[" + ", ".join(f'"{v}"' for v in value) + "]`"
    if isinstance(value, str):
        return f'`"{value}"`'
    return f"`{value:g}`" if isinstance(value, float) else f"`{value}`"
