"""A search engine for argilla-server that answers from the server's own SQL database.

This is the one stand-in of the test stack: production Argilla uses Elasticsearch or
OpenSearch, which cannot be installed on the test machines. Everything else (HTTP API, auth,
database, record-status logic, the SDK) is the real thing. Indexing is a no-op because the
database is the truth; `search` translates the filters the SDK sends into SQL.
"""

from __future__ import annotations

from datetime import UTC, datetime
from uuid import UUID

from argilla_server.database import AsyncSessionLocal
from argilla_server.models import Record, Response
from argilla_server.search_engine import (
    AndFilter,
    RecordFilterScope,
    ResponseFilterScope,
    SearchEngine,
    SearchResponseItem,
    SearchResponses,
    TermsFilter,
)
from sqlalchemy import and_, func, select

ENGINE_NAME = "sqldb"


def _as_datetime(value):
    if isinstance(value, (int, float)):
        # the SDK sends epoch milliseconds for dates
        return datetime.fromtimestamp(value / 1000, tz=UTC).replace(tzinfo=None)
    parsed = datetime.fromisoformat(str(value).replace("Z", "+00:00"))
    return parsed.astimezone(UTC).replace(tzinfo=None) if parsed.tzinfo else parsed


def _column_condition(column, flt, is_time: bool):
    convert = _as_datetime if is_time else (lambda v: v)
    if isinstance(flt, TermsFilter):
        return column.in_(flt.values)
    conditions = []
    if flt.ge is not None:
        conditions.append(column >= convert(flt.ge))
    if flt.le is not None:
        conditions.append(column <= convert(flt.le))
    return and_(*conditions)


def _condition(flt):
    if isinstance(flt, AndFilter):
        return and_(*[_condition(inner) for inner in flt.filters])
    scope = flt.scope
    if isinstance(scope, RecordFilterScope):
        column = getattr(Record, scope.property)
        if scope.property == "id" and isinstance(flt, TermsFilter):  # the ids come as text; the column is a UUID
            return column.in_([UUID(value) for value in flt.values])
        return _column_condition(column, flt, scope.property in ("inserted_at", "updated_at"))
    if isinstance(scope, ResponseFilterScope) and scope.property in ("status", "inserted_at", "updated_at"):
        column = getattr(Response, scope.property)
        inner = _column_condition(column, flt, scope.property != "status")
        if scope.user is not None:
            inner = and_(inner, Response.user_id == scope.user.id)
        return Record.id.in_(select(Response.record_id).where(inner))
    raise NotImplementedError(f"filter not supported by the test engine: {flt!r}")


@SearchEngine.register(engine_name=ENGINE_NAME)
class SqlSearchEngine(SearchEngine):
    @classmethod
    async def new_instance(cls) -> SqlSearchEngine:
        return cls()

    async def close(self):
        pass

    async def ping(self) -> bool:
        return True

    async def info(self) -> dict:
        return {"engine": ENGINE_NAME}

    async def create_index(self, dataset):
        pass

    async def delete_index(self, dataset):
        pass

    async def configure_metadata_property(self, dataset, metadata_property):
        pass

    async def index_records(self, dataset, records):
        pass

    async def partial_record_update(self, record, **update):
        pass

    async def delete_records(self, dataset, records):
        pass

    async def update_record_response(self, response):
        pass

    async def delete_record_response(self, response):
        pass

    async def update_record_suggestion(self, suggestion):
        pass

    async def delete_record_suggestion(self, suggestion):
        pass

    async def get_dataset_progress(self, dataset) -> dict:
        async with AsyncSessionLocal() as db:
            rows = await db.execute(
                select(Record.status, func.count()).where(Record.dataset_id == dataset.id).group_by(Record.status)
            )
            counts = {str(status.value): n for status, n in rows.all()}
        return {"total": sum(counts.values()), **counts}

    async def get_dataset_user_progress(self, dataset, user) -> dict:
        async with AsyncSessionLocal() as db:
            rows = await db.execute(
                select(Response.status, func.count())
                .join(Record, Record.id == Response.record_id)
                .where(Record.dataset_id == dataset.id, Response.user_id == user.id)
                .group_by(Response.status)
            )
            counts = {str(status.value): n for status, n in rows.all()}
        return {"total": sum(counts.values()), **counts}

    async def search(self, dataset, query=None, filter=None, sort=None, offset=0, limit=100, user_id=None):
        if query:
            raise NotImplementedError("text queries are not supported by the test engine")
        where = Record.dataset_id == dataset.id
        if filter is not None:
            where = and_(where, _condition(filter))
        async with AsyncSessionLocal() as db:
            total = await db.scalar(select(func.count(Record.id)).where(where))
            ids = await db.scalars(
                select(Record.id).where(where).order_by(Record.inserted_at, Record.id).offset(offset).limit(limit)
            )
            items = [SearchResponseItem(record_id=record_id, score=None) for record_id in ids.all()]
        return SearchResponses(items=items, total=total or 0)

    async def compute_metrics_for(self, metadata_property):
        raise NotImplementedError("metadata metrics are not supported by the test engine")

    async def similarity_search(self, *args, **kwargs):
        raise NotImplementedError("vector search is not supported by the test engine")
