"""Full-text search over requests: the document each request is found by, and the query.

The document is rebuilt by `reindex` inside every transaction that changes what it holds
(submit, comment, field edits), so search never lags behind a write. SQLite searches it with
FTS5 (bm25 ranking), PostgreSQL with GIN-indexed tsvector expressions (ts_rank). Internal notes
go into a separate column that only agents' searches include.

Query syntax (both databases): words must all match, each as a prefix ("print" finds
"printer"); "quoted words" must appear as a phrase. Anything but letters and digits is a
separator, so user input can never inject operators.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from sqlalchemy import ColumnElement, func, literal_column, select, text
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.sql import Subquery

from backend.db.models import Comment, FormVersion, Request, RequestSearchDocument

MAX_TERMS = 12
_WORD = re.compile(r"\w+", re.UNICODE)
_PHRASE = re.compile(r'"([^"]*)"')
_TEXT_KINDS = {"TEXT", "TEXTAREA", "EMAIL", "URL"}
_OPTION_KINDS = {"SELECT", "MULTI_SELECT"}


@dataclass(frozen=True, slots=True)
class SearchQuery:
    """Parsed search input: prefix words and phrases (lists of words)."""

    words: tuple[str, ...]
    phrases: tuple[tuple[str, ...], ...]

    @property
    def empty(self) -> bool:
        return not self.words and not self.phrases


def parse(raw: str) -> SearchQuery:
    phrases = []
    for match in _PHRASE.finditer(raw):
        words = tuple(w.lower() for w in _WORD.findall(match.group(1)))
        if len(words) == 1:
            raw += f" {words[0]}"
        elif words:
            phrases.append(words)
    rest = _PHRASE.sub(" ", raw)
    words = tuple(dict.fromkeys(w.lower() for w in _WORD.findall(rest)))
    return SearchQuery(words[:MAX_TERMS], tuple(phrases[:MAX_TERMS]))


# ---- documents


def _field_text(fields: list[dict[str, Any]], values: dict[str, Any]) -> list[str]:
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
    public = [
        request.reference,
        request.summary,
        request.description,
        *_field_text(fields or [], request.field_values or {}),
        *(body for body, internal in comments if not internal),
    ]
    internal = [body for body, is_internal in comments if is_internal]
    document = await session.get(RequestSearchDocument, request_id)
    if document is None:
        document = RequestSearchDocument(request_id=request_id)
        session.add(document)
    document.public_text = "\n".join(p for p in public if p)
    document.internal_text = "\n".join(internal)
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


def _fts5_query(query: SearchQuery, include_internal: bool) -> str:
    terms = [f'"{w}"*' for w in query.words] + ['"' + " ".join(p) + '"' for p in query.phrases]
    expression = " AND ".join(terms)
    return expression if include_internal else f"public_text : ({expression})"


def _tsquery(query: SearchQuery) -> str:
    terms = [f"{w}:*" for w in query.words] + [" <-> ".join(p) for p in query.phrases]
    return " & ".join(f"({t})" for t in terms)


def _pg_document(include_internal: bool) -> Any:
    # Must be the exact expressions of the GIN indexes made by migration 0003.
    if include_internal:
        return func.to_tsvector(
            literal_column("'simple'"),
            RequestSearchDocument.public_text + " " + RequestSearchDocument.internal_text,
        )
    return func.to_tsvector(literal_column("'simple'"), RequestSearchDocument.public_text)


def matches(dialect: str, query: SearchQuery, *, include_internal: bool) -> Subquery:
    """A subquery of (request_id, rank) for the matching requests; lower rank is better."""
    if dialect == "sqlite":
        return (
            select(
                literal_column("rowid").label("request_id"),
                literal_column("bm25(request_search_fts)").label("rank"),
            )
            .select_from(text("request_search_fts"))
            .where(text("request_search_fts MATCH :fts_query"))
            .params(fts_query=_fts5_query(query, include_internal))
            .subquery("search")
        )
    tsquery = func.to_tsquery(literal_column("'simple'"), _tsquery(query))
    document = _pg_document(include_internal)
    return (
        select(
            RequestSearchDocument.request_id.label("request_id"),
            (-func.ts_rank(document, tsquery)).label("rank"),
        )
        .where(document.op("@@")(tsquery))
        .subquery("search")
    )


def match_filter(
    dialect: str, query: SearchQuery, *, include_internal: bool
) -> ColumnElement[bool]:
    """`requests.id IN (matching ids)`, for filters that need no ranking (counts)."""
    found = matches(dialect, query, include_internal=include_internal)
    return Request.id.in_(select(found.c.request_id))
