"""CSV and Markdown renderings of frames, safe to open in a spreadsheet.

Cells that begin with `=`, `+`, `-`, `@` (or their full-width forms `＝＋－＠`), a tab or a
carriage return, or whose first character after leading blanks (spaces, tabs, line breaks, the
ideographic space) is one of those signs (spreadsheets skip the blanks), in any column that is not
a number, are prefixed with a single quote (OWASP CSV injection), so a spreadsheet shows them as
text instead of running a formula.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

import pandas as pd

from data.model import columns
from data.model.people import profile_urls
from data.text import escape_markdown

_FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r", "＝", "＋", "－", "＠")  # full-width forms too
_SIGNS = tuple(start for start in _FORMULA_STARTS if start not in "\t\r")
_BLANKS = " \t\r\n\f\v\u00a0\u3000"  # the ideographic space too


def neutralise(value: object) -> object:
    """Prefix a quote to a text cell a spreadsheet would read as a formula."""
    if isinstance(value, str) and (value.startswith(_FORMULA_STARTS) or value.lstrip(_BLANKS).startswith(_SIGNS)):
        return "'" + value
    return value


def _iso_utc(values: pd.Series) -> pd.Series:
    return values.dt.tz_convert("UTC").dt.strftime("%Y-%m-%dT%H:%M:%SZ").astype("object").where(values.notna(), "")


def to_csv(frame: pd.DataFrame) -> bytes:
    """UTF-8 CSV: timestamps ISO 8601 UTC, booleans true/false, text cells neutralised."""
    out = frame.copy()
    for column in out.columns:
        values = out[column]
        if isinstance(values.dtype, pd.DatetimeTZDtype):
            out[column] = _iso_utc(values)
        elif pd.api.types.is_bool_dtype(values):
            out[column] = values.map({True: "true", False: "false"})
        elif not pd.api.types.is_numeric_dtype(values):  # text, categories, anything written as text
            out[column] = values.astype("object").map(neutralise)
    return str(out.to_csv(index=False, lineterminator="\n")).encode("utf-8")


def to_json_rows(frame: pd.DataFrame) -> str:
    """The rows as a JSON array of objects: timestamps ISO 8601 UTC (as in the CSV), missing
    values null, text as is (JSON needs no neutralising)."""
    text = str(
        frame.to_json(orient="records", date_format="iso", date_unit="s", double_precision=15, force_ascii=False)
    )
    return text.replace("\\/", "/")  # pandas escapes every "/" (valid, but needless in a URL)


def ranking_csv(contributors: pd.DataFrame, as_of: dt.datetime | None = None) -> bytes:
    """The prize-allocation CSV: the contractual columns first, in order; with `as_of`, a last
    column saying until when validations were counted (the campaign's end, or the data's time)."""
    table = contributors[columns.CSV_NAMES]
    return to_csv(table.assign(as_of=pd.Timestamp(as_of)) if as_of is not None else table)


def to_markdown_table(frame: pd.DataFrame) -> str:
    header = "| " + " | ".join(map(str, frame.columns)) + " |"
    rule = "| " + " | ".join("---" for _ in frame.columns) + " |"
    rows = [
        "| " + " | ".join(escape_markdown(str(v)) for v in row) + " |"
        for row in frame.astype("object").fillna("").itertuples(index=False)
    ]
    return "\n".join([header, rule, *rows]) + "\n"


def acknowledgements(
    responses: pd.DataFrame, datasets: pd.DataFrame, exclude_users: Iterable[str] = (), counts: bool = False
) -> str:
    """Markdown for Dataset Cards: per dataset, every validator linked to their Hub profile,
    by validations (then name)."""
    submitted = responses[
        (responses["status"] == "submitted") & responses["user"].notna() & ~responses["user"].isin(list(exclude_users))
    ]
    per_user = submitted.groupby(["dataset", "user"]).size().rename("n").reset_index()
    per_user = per_user.sort_values(["dataset", "n", "user"], ascending=[True, False, True], kind="mergesort")
    per_user["url"] = profile_urls(per_user["user"])
    sections = []
    for dataset, title in zip(datasets["dataset"], datasets["title"]):
        people = per_user[per_user["dataset"] == dataset]
        lines = [
            "- "
            + (f"[{escape_markdown(name)}]({url})" if isinstance(url, str) else escape_markdown(name))
            + (f" ({n})" if counts else "")
            for name, n, url in zip(people["user"], people["n"], people["url"].astype("object"))
        ]
        sections.append(f"### {escape_markdown(str(title))}\n\n" + ("\n".join(lines) or "-") + "\n")
    return "\n".join(sections)
