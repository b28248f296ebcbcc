"""Full-text search over requests: the document each request is found by, and the query.

The document is rebuilt by `reindex` inside every transaction that changes what it holds
(submit, comment, field edits), so search never lags behind a write. SQLite searches it with
FTS5 (bm25 ranking), PostgreSQL with GIN-indexed tsvector expressions (ts_rank). Internal notes
go into a separate column that only agents' searches include.

Query syntax (both databases): words must all match as whole words ("printer" does not find
"printers"), except a word ending in `*` and the last word typed, which match as prefixes
("print*" and "printer err" find "printers", "errors"); "quoted words" must appear as a
phrase. Whole words, rather than every word as a prefix, because a prefix is many times more
expensive to look up in both indexes (GIN partial match, FTS5 prefix merge). Anything but
letters and digits is a separator, so user input can never inject operators.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import ColumnElement, func, insert, literal_column, select, text
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.sql import Subquery

from backend.db.models import Comment, FormVersion, Request, RequestSearchDocument

MAX_TERMS = 12
_WORD = re.compile(r"\w+", re.UNICODE)
_TOKEN = re.compile(r"(\w+)(\*)?", re.UNICODE)
_PHRASE = re.compile(r'"([^"]*)"')
_TEXT_KINDS = {"TEXT", "TEXTAREA", "EMAIL", "URL"}
_OPTION_KINDS = {"SELECT", "MULTI_SELECT"}


@dataclass(frozen=True, slots=True)
class SearchQuery:
    """Parsed search input: whole words, prefixes and phrases (lists of words)."""

    words: tuple[str, ...]
    phrases: tuple[tuple[str, ...], ...]
    prefixes: tuple[str, ...] = ()

    @property
    def empty(self) -> bool:
        return not self.words and not self.phrases and not self.prefixes


def parse(raw: str) -> SearchQuery:
    phrases: list[tuple[str, ...]] = []
    words: list[str] = []
    for match in _PHRASE.finditer(raw):
        quoted = tuple(w.lower() for w in _WORD.findall(match.group(1)))
        if len(quoted) == 1:
            words.append(quoted[0])
        elif quoted:
            phrases.append(quoted)
    # Phrases blanked out in place, so positions still tell what was typed last.
    rest = _PHRASE.sub(lambda m: " " * len(m.group(0)), raw)
    prefixes: list[str] = []
    tokens = list(_TOKEN.finditer(rest))
    for i, token in enumerate(tokens):
        word = token.group(1).lower()
        typed_last = i == len(tokens) - 1 and '"' not in raw[token.end() :]
        (prefixes if token.group(2) or typed_last else words).append(word)
    return SearchQuery(
        tuple(dict.fromkeys(words))[:MAX_TERMS],
        tuple(phrases[:MAX_TERMS]),
        tuple(dict.fromkeys(prefixes))[:MAX_TERMS],
    )


# ---- documents


def _field_text(fields: Sequence[dict[str, Any]], values: dict[str, Any]) -> list[str]:
    parts: list[str] = []
    for field in fields:
        value = values.get(field["key"])
        if value is None:
            continue
        if field["kind"] in _TEXT_KINDS and isinstance(value, str):
            parts.append(value)
        elif field["kind"] in _OPTION_KINDS:
            labels = {o["value"]: o.get("label", o["value"]) for o in field.get("options", [])}
            chosen = value if isinstance(value, list) else [value]
            parts.extend(str(labels.get(v, v)) for v in chosen)
    return parts


def head_text(
    reference: str,
    summary: str,
    description: str | None,
    fields: Sequence[dict[str, Any]],
    values: dict[str, Any],
) -> str:
    """The request's own text (no comments): `head_text`, and the start of `public_text`."""
    parts = [reference, summary, description or "", *_field_text(fields, values)]
    return "\n".join(p for p in parts if p)


def _public_text(head: str, public_comments: Iterable[str] = ()) -> str:
    return "\n".join(p for p in (head, *public_comments) if p)


# Built once, on the table: every submission runs it (see submission_statements.py).
_INSERT_DOCUMENT = insert(RequestSearchDocument.__table__)


async def index_new_request(
    session: AsyncSession,
    *,
    request_id: int,
    reference: str,
    summary: str,
    description: str,
    fields: Sequence[dict[str, Any]],
    values: dict[str, Any],
) -> None:
    """Write the document of a request just inserted in the caller's transaction, from the
    values the caller holds: a new request has no comments, so nothing needs reading back."""
    head = head_text(reference, summary, description, fields, values)
    await session.execute(
        _INSERT_DOCUMENT,
        {"request_id": request_id, "head_text": head, "public_text": head, "internal_text": ""},
    )


async def reindex(session: AsyncSession, request_id: int) -> None:
    """Rebuild the request's search document in the caller's transaction."""
    request = await session.get(Request, request_id)
    if request is None:
        return
    fields = await session.scalar(
        select(FormVersion.fields).where(FormVersion.id == request.form_version_id)
    )
    comments = (
        await session.execute(
            select(Comment.body, Comment.internal)
            .where(Comment.request_id == request_id)
            .order_by(Comment.id)
        )
    ).all()
    document = await session.get(RequestSearchDocument, request_id)
    if document is None:
        document = RequestSearchDocument(request_id=request_id)
        session.add(document)
    document.head_text = head_text(
        request.reference,
        request.summary,
        request.description,
        fields or [],
        request.field_values or {},
    )
    document.public_text = _public_text(
        document.head_text, (body for body, internal in comments if not internal)
    )
    document.internal_text = "\n".join(body for body, internal in comments if internal)
    await session.flush()


async def add_comment(session: AsyncSession, request_id: int, body: str, internal: bool) -> None:
    """Append one comment to the request's document: a new comment changes nothing else, so
    the document need not be rebuilt from every comment (a long thread would make each reply
    slower)."""
    document = await session.get(RequestSearchDocument, request_id)
    if document is None:  # a request from before search documents existed
        await reindex(session, request_id)
        return
    if internal:
        document.internal_text = "\n".join(p for p in (document.internal_text, body) if p)
    else:
        document.public_text = "\n".join(p for p in (document.public_text, body) if p)
    await session.flush()


# ---- queries
#
# A ranked search returns two tiers, each best first: HEAD, the requests whose own text (summary,
# description, field values) matches, then REST, those found only through their conversation.
# Two common words can appear in the comments of a quarter of all requests; ranking all of those
# for the first page was what made search slow. The first page ranks only the (far fewer) head
# matches, and the conversation matches are ranked only when the head runs out.

HEAD, REST = 0, 1


def _fts5_terms(query: SearchQuery) -> str:
    terms = [
        *(f'"{w}"' for w in query.words),
        *(f'"{w}"*' for w in query.prefixes),
        *('"' + " ".join(p) + '"' for p in query.phrases),
    ]
    return " AND ".join(terms)


def _fts5_query(query: SearchQuery, include_internal: bool) -> str:
    expression = _fts5_terms(query)
    return expression if include_internal else f"public_text : ({expression})"


def _tsquery(query: SearchQuery) -> str:
    terms = [
        *query.words,
        *(f"{w}:*" for w in query.prefixes),
        *(" <-> ".join(p) for p in query.phrases),
    ]
    return " & ".join(f"({t})" for t in terms)


def _pg_document(include_internal: bool) -> Any:
    # Must be the exact expressions of the GIN indexes made by migration 0003.
    if include_internal:
        return func.to_tsvector(
            literal_column("'simple'"),
            RequestSearchDocument.public_text + " " + RequestSearchDocument.internal_text,
        )
    return func.to_tsvector(literal_column("'simple'"), RequestSearchDocument.public_text)


# The stored, GIN-indexed tsvector of head_text (migration 0005; not a model column).
_PG_HEAD = literal_column("request_search_documents.head_vector")


def _sqlite_head_match() -> Any:
    return text("request_search_head_fts MATCH :fts_head")


def matches(dialect: str, query: SearchQuery, *, include_internal: bool) -> Subquery:
    """A subquery of (request_id, rank) for the matching requests; lower rank is better."""
    return tier_matches(dialect, query, include_internal=include_internal, tier=None)


def tier_matches(
    dialect: str, query: SearchQuery, *, include_internal: bool, tier: int | None
) -> Subquery:
    """(request_id, rank) of one tier's matches (HEAD or REST), or of all (None)."""
    if dialect == "sqlite":
        if tier == HEAD:
            return (
                select(
                    literal_column("rowid").label("request_id"),
                    literal_column("bm25(request_search_head_fts)").label("rank"),
                )
                .select_from(text("request_search_head_fts"))
                .where(_sqlite_head_match())
                .params(fts_head=_fts5_terms(query))
                .subquery("search_head_matches")
            )
        stmt = (
            select(
                literal_column("rowid").label("request_id"),
                literal_column("bm25(request_search_fts)").label("rank"),
            )
            .select_from(text("request_search_fts"))
            .where(text("request_search_fts MATCH :fts_query"))
        )
        params = {"fts_query": _fts5_query(query, include_internal)}
        if tier == REST:
            head_ids = select(literal_column("rowid")).select_from(text("request_search_head_fts"))
            stmt = stmt.where(literal_column("rowid").not_in(head_ids.where(_sqlite_head_match())))
            params["fts_head"] = _fts5_terms(query)
        return stmt.params(**params).subquery("search")
    tsquery = func.to_tsquery(literal_column("'simple'"), _tsquery(query))
    document = _PG_HEAD if tier == HEAD else _pg_document(include_internal)
    stmt = select(
        RequestSearchDocument.request_id.label("request_id"),
        (-func.ts_rank(document, tsquery)).label("rank"),
    ).where(document.op("@@")(tsquery))
    if tier == REST:
        stmt = stmt.where(~_PG_HEAD.op("@@")(tsquery))
    return stmt.subquery("search_head_matches" if tier == HEAD else "search")


def match_filter(
    dialect: str, query: SearchQuery, *, include_internal: bool
) -> ColumnElement[bool]:
    """`requests.id IN (matching ids)`, for filters that need no ranking (counts)."""
    found = matches(dialect, query, include_internal=include_internal)
    return Request.id.in_(select(found.c.request_id))
