"""Deterministic benchmark data, loaded in bulk into Frontdesk's own schema.

    python -m bench.generate --db sqlite:///bench/data/bench.sqlite3 --scale 1.0
    python -m bench.generate --db postgresql://127.0.0.1:5432/frontdesk_bench --scale 1.0

The database is recreated, migrated (`frontdesk migrate`'s code path), then:
- teams and the request catalog (3 categories, 10 request types, their forms and form
  versions) through backend/domain, exactly as an admin would create them;
- 2,000 users (50 staff, the rest customers of 20 organisations, 4 super users each),
  200,000 requests, 1,000,000 comments (about 9% internal notes), each request's CREATED
  timeline event, its search document (head: reference, summary, description, text field
  values; public comments; internal notes apart: what backend/domain/search.py writes), participants
  for one request in ten, and the reference counter, in bulk through the model tables:
  executemany on SQLite, COPY on PostgreSQL, with the secondary indexes, the FTS5 triggers and
  the GIN indexes dropped during the load and rebuilt at the end from their own definitions.

Shape as the peer harness (../shared/bench-peer/gen_data.py): requests spread over two years,
35% open, about 5 comments per request of 10 to 40 words, 50 open requests per organisation page.
Request DETAIL_REQUEST has exactly 100 comments and 100 timeline events (scenario 2).
`--scale 0.01` makes a data set a hundredth of the size (users and organisations stay).
"""

from __future__ import annotations

import argparse
import json
import random
import sys
import time
from collections.abc import Iterator, Sequence
from datetime import UTC, datetime, timedelta
from typing import Any

from bench.common import BENCH_AGENT_EMAIL, BENCH_TOKEN, SUBMIT_TYPE_NAME, Target

SEED = 20261122
N_ORGS = 20
N_USERS = 2000
N_STAFF = 50  # 45 agents, 5 admins
N_REQUESTS = 200_000
N_COMMENTS = 1_000_000
CHUNK = 5_000  # requests per bulk batch

# (status, weight): 35% open, as the peer's data.
STATUSES = [
    ("WAITING_FOR_SUPPORT", 10),
    ("UNDER_INVESTIGATION", 8),
    ("WAITING_FOR_CUSTOMER", 8),
    ("UNDER_REVIEW", 6),
    ("ESCALATED", 2),
    ("REOPENED", 1),
    ("RESOLVED", 35),
    ("CLOSED", 25),
    ("CANCELLED", 5),
]
PRIORITIES = [("P1", 1, 5), ("P2", 2, 20), ("P3", 3, 50), ("P4", 4, 25)]
FIRST = (
    "Alice Bruno Chloe Dmitri Elena Farid Greta Hugo Ingrid Jonas Keiko Liam Maya Nils Oksana "
    "Pavel Quinn Rosa Sven Tara Umar Vera Wim Xenia Yusuf Zofia Anil Beatriz Cyril Dalia"
).split()
LAST = (
    "Andersen Becker Castillo Dvorak Eriksen Fischer Gallo Horvat Ito Jansen Kovacs Lindqvist "
    "Moreno Nakamura Olsen Petrov Quist Romero Schulz Tanaka"
).split()
HEAD_WORDS = """the a to and of in is for on with it my not i we this be are from can please
after have error login password reset access account vpn email laptop printer server network
slow cannot unable issue problem request update install license software hardware upgrade
broken screen monitor keyboard mouse phone mobile app browser outlook calendar meeting invoice
billing payment refund contract renewal subscription report dashboard export import file
folder share drive backup restore database timeout crash freeze restart reboot connection wifi
certificate expired security phishing spam virus permission role admin user group onboarding
employee manager approval urgent today yesterday morning since working again still help need
new old before when order delivery quote purchase repair replace warranty battery cable dock
sync upload download attachment link page portal customer support service incident outage
latency api integration token sso mfa authentication""".split()
SYLLABLES = (
    "ka lo mi ne ru ta po se vi da gu ze fo ri ba chi mon tar vel qua dor lin sep rax".split()
)

CATEGORIES = {
    "IT help": ["Get IT help", "Report a system problem", "Report a security incident"],
    "Requests": [
        "Request new hardware",
        "Request new software",
        "Request access",
        "Change request",
    ],
    "People and billing": ["Onboard new employee", "Offboard employee", "Ask a billing question"],
}
TEAMS = {"Support": "Questions, bugs and outages", "Billing": "Invoices", "Sales": "Contracts"}
DETAIL_COMMENTS = 100


def detail_request_id(n_requests: int) -> int:
    return n_requests // 2


class Words:
    """A support-desk head vocabulary plus a synthetic Zipf-distributed tail."""

    def __init__(self, rng: random.Random) -> None:
        vocab = list(dict.fromkeys(HEAD_WORDS))
        seen = set(vocab)
        while len(vocab) < 5000:
            word = "".join(rng.choice(SYLLABLES) for _ in range(rng.randint(2, 4)))
            if word not in seen:
                seen.add(word)
                vocab.append(word)
        total, weights = 0.0, []
        for rank in range(len(vocab)):
            total += 1.0 / (rank + 1)
            weights.append(total)
        self.vocab, self.cum, self.rng = vocab, weights, rng

    def __call__(self, low: int, high: int) -> str:
        k = self.rng.randint(low, high)
        return " ".join(self.rng.choices(self.vocab, cum_weights=self.cum, k=k))


def _cumulative(weights: Sequence[int]) -> list[int]:
    out, acc = [], 0
    for w in weights:
        acc += w
        out.append(acc)
    return out


# ---- the catalog, through backend/domain


def _fields_for(name: str) -> list[dict[str, Any]]:
    """Form fields per request type: the onboarding type has ten (scenario 3), others two."""
    from backend.domain.forms import FieldKind as K

    if name == SUBMIT_TYPE_NAME:
        return [
            {"key": "employee", "kind": K.TEXT, "label": "Employee name", "required": True},
            {"key": "notes", "kind": K.TEXTAREA, "label": "Notes"},
            {"key": "desks", "kind": K.NUMBER, "label": "Desks needed"},
            {"key": "start", "kind": K.DATE, "label": "Start date", "required": True},
            {
                "key": "office",
                "kind": K.SELECT,
                "label": "Office",
                "options": [("ber", "Berlin"), ("lis", "Lisbon"), ("osl", "Oslo")],
            },
            {
                "key": "apps",
                "kind": K.MULTI_SELECT,
                "label": "Applications",
                "options": [("mail", "Mail"), ("crm", "CRM"), ("erp", "ERP"), ("vpn", "VPN")],
            },
            {"key": "laptop", "kind": K.CHECKBOX, "label": "Needs a laptop"},
            {"key": "manager", "kind": K.EMAIL, "label": "Manager e-mail"},
            {"key": "profile", "kind": K.URL, "label": "Profile link"},
            {"key": "meeting", "kind": K.DATETIME, "label": "Welcome meeting"},
        ]
    return [
        {"key": "location", "kind": K.TEXT, "label": "Where"},
        {
            "key": "area",
            "kind": K.SELECT,
            "label": "Area",
            "options": [("hw", "Hardware"), ("sw", "Software"), ("net", "Network")],
        },
    ]


async def _seed_catalog(target: Target) -> None:
    from backend.db.engine import Database
    from backend.db.migrate import upgrade
    from backend.domain import catalog, teams
    from backend.domain.forms import FieldOption

    db = Database.from_settings(target.settings())
    try:
        await upgrade(db.engine)
        async with db.transaction() as session:
            team_ids = []
            for name, description in TEAMS.items():
                team_ids.append(
                    (await teams.create_team(session, name=name, description=description)).id
                )
            position = 0
            for category_name, type_names in CATEGORIES.items():
                category = await catalog.create_category(session, name=category_name)
                for name in type_names:
                    request_type = await catalog.create_request_type(
                        session,
                        category_id=category.id,
                        name=name,
                        description=f"{name}: tell us what you need.",
                        team_id=team_ids[position % len(team_ids)],
                    )
                    position += 1
                    for f in _fields_for(name):
                        await catalog.create_form_field(
                            session,
                            request_type,
                            key=f["key"],
                            kind=f["kind"],
                            label=f["label"],
                            required=f.get("required", False),
                            options=[FieldOption(v, label) for v, label in f.get("options", [])],
                        )
    finally:
        await db.dispose()


# ---- bulk rows


def _sqlite_value(value: Any) -> Any:
    if isinstance(value, datetime):  # SQLAlchemy's SQLite DateTime text, naive UTC
        return value.astimezone(UTC).strftime("%Y-%m-%d %H:%M:%S.%f")
    if isinstance(value, dict | list):
        return json.dumps(value)
    if isinstance(value, bool):
        return int(value)
    return value


class Sink:
    """Bulk writer over the synchronous driver, one table's rows at a time."""

    def __init__(self, target: Target) -> None:
        self.target = target
        self.conn = target.connect()
        self.counts: dict[str, int] = {}
        if target.kind == "sqlite":
            self.conn.execute("PRAGMA synchronous=OFF")
            self.conn.execute("PRAGMA cache_size=-1000000")
            self.conn.execute("PRAGMA foreign_keys=OFF")
            self.conn.execute("BEGIN")
        else:
            self.conn.execute("SET maintenance_work_mem = '1GB'")

    def insert(self, table: Any, columns: Sequence[str], rows: Sequence[tuple[Any, ...]]) -> None:
        if not rows:
            return
        name = table.name
        for column in columns:  # the model must have every column we write
            table.c[column]
        self.counts[name] = self.counts.get(name, 0) + len(rows)
        if self.target.kind == "sqlite":
            marks = ",".join("?" * len(columns))
            self.conn.executemany(
                f"INSERT INTO {name} ({','.join(columns)}) VALUES ({marks})",
                [tuple(_sqlite_value(v) for v in row) for row in rows],
            )
            return
        from psycopg.types.json import Jsonb

        json_columns = {
            i for i, c in enumerate(columns) if table.c[c].type.__class__.__name__ in ("JSON",)
        }
        with self.conn.cursor() as cursor:
            with cursor.copy(f"COPY {name} ({','.join(columns)}) FROM STDIN") as copy:
                for row in rows:
                    if json_columns:
                        row = tuple(Jsonb(v) if i in json_columns else v for i, v in enumerate(row))
                    copy.write_row(row)

    def commit(self) -> None:
        if self.target.kind == "sqlite":
            self.conn.execute("COMMIT")


BIG_TABLES = (
    "users",
    "memberships",
    "team_members",
    "requests",
    "request_participants",
    "comments",
    "timeline_events",
    "request_search_documents",
)


def _drop_secondary_indexes(sink: Sink) -> list[str]:
    """Drop the big tables' secondary indexes (and SQLite's FTS triggers); return the SQL that
    recreates them exactly as the migrations made them."""
    conn, recreate = sink.conn, []
    if sink.target.kind == "sqlite":
        marks = ",".join("?" * len(BIG_TABLES))
        rows = conn.execute(
            f"SELECT type, name, sql FROM sqlite_master WHERE tbl_name IN ({marks}) "
            "AND type IN ('index', 'trigger') AND sql IS NOT NULL",
            BIG_TABLES,
        ).fetchall()
        for kind, name, sql in rows:
            conn.execute(f"DROP {kind.upper()} {name}")
            recreate.append(sql)
        return recreate
    rows = conn.execute(
        "SELECT i.indexname, i.indexdef FROM pg_indexes i WHERE i.schemaname = 'public' "
        "AND i.tablename = ANY(%s) AND NOT EXISTS (SELECT 1 FROM pg_constraint c "
        "WHERE c.conname = i.indexname)",
        (list(BIG_TABLES),),
    ).fetchall()
    for name, sql in rows:
        conn.execute(f"DROP INDEX {name}")
        recreate.append(sql)
    return recreate


def _finish(sink: Sink, recreate: list[str], n_requests: int) -> None:
    conn = sink.conn
    conn.execute(
        "UPDATE counters SET value = %s WHERE name = 'request'".replace(
            "%s", "?" if sink.target.kind == "sqlite" else "%s"
        ),
        (n_requests,),
    )
    if sink.target.kind == "sqlite":
        conn.execute("BEGIN")
        for sql in recreate:
            conn.execute(sql)
        # Triggers were off during the load: index every document once.
        conn.execute("INSERT INTO request_search_fts(request_search_fts) VALUES ('rebuild')")
        conn.execute(
            "INSERT INTO request_search_head_fts(request_search_head_fts) VALUES ('rebuild')"
        )
        # A rebuild leaves its segments half merged: the next few thousand writes would each
        # carry on merging them (transactions of up to 0.5 s; measured 3.6 s for 4,000 inserts,
        # 0.8 s after this). An index grown by the portal's own writes has no such backlog.
        for table in ("request_search_fts", "request_search_head_fts"):
            conn.execute(f"INSERT INTO {table}({table}) VALUES ('optimize')")
        conn.execute("COMMIT")
        conn.execute("ANALYZE")
        conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        return
    for table in (
        "users",
        "memberships",
        "team_members",
        "requests",
        "request_participants",
        "comments",
        "timeline_events",
    ):
        conn.execute(
            f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "
            f"(SELECT coalesce(max(id), 1) FROM {table}))"
        )
    for sql in recreate:
        conn.execute(sql)
    conn.execute("VACUUM ANALYZE")


def _catalog_rows(sink: Sink) -> tuple[list[tuple[int, int, int, list[dict[str, Any]]]], list[int]]:
    """(request type id, team id, form version id, fields) and team ids, from the database."""
    types = sink.conn.execute(
        "SELECT t.id, t.team_id, v.id, v.fields FROM request_types t JOIN form_versions v "
        "ON v.request_type_id = t.id AND v.version = t.form_version ORDER BY t.id"
    ).fetchall()
    teams = [r[0] for r in sink.conn.execute("SELECT id FROM teams ORDER BY id").fetchall()]
    return [
        (t, team, v, json.loads(f) if isinstance(f, str) else f) for t, team, v, f in types
    ], teams


def _field_values(rng: random.Random, words: Words, fields: list[dict[str, Any]]) -> dict[str, Any]:
    values: dict[str, Any] = {}
    for field in fields:
        kind = field["kind"]
        if kind == "TEXT":
            values[field["key"]] = words(1, 3)
        elif kind == "TEXTAREA":
            values[field["key"]] = words(5, 15)
        elif kind == "NUMBER":
            values[field["key"]] = rng.randint(1, 20)
        elif kind == "DATE":
            values[field["key"]] = f"2025-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}"
        elif kind == "DATETIME":
            values[field["key"]] = f"2025-{rng.randint(1, 12):02d}-10T09:00:00+00:00"
        elif kind == "SELECT":
            values[field["key"]] = rng.choice(field["options"])["value"]
        elif kind == "MULTI_SELECT":
            values[field["key"]] = [o["value"] for o in field["options"] if rng.random() < 0.5]
        elif kind == "CHECKBOX":
            values[field["key"]] = rng.random() < 0.5
        elif kind == "EMAIL":
            values[field["key"]] = f"manager{rng.randint(1, 99)}@example.com"
        elif kind == "URL":
            values[field["key"]] = f"https://example.com/p/{rng.randint(1, 9999)}"
    return values


def generate(target: Target, scale: float) -> dict[str, Any]:
    from backend.auth.tokens import token_hash
    from backend.db import models as m
    from backend.domain.search import head_text

    started = time.perf_counter()
    n_requests = max(200, int(N_REQUESTS * scale))
    n_comments = max(1000, int(N_COMMENTS * scale))
    _reset(target)
    from bench.common import run

    run(_seed_catalog(target))
    print(f"  migrated, catalog seeded ({time.perf_counter() - started:.1f}s)", flush=True)

    rng = random.Random(SEED)
    words = Words(rng)
    sink = Sink(target)
    types, team_ids = _catalog_rows(sink)
    recreate = _drop_secondary_indexes(sink)
    base = datetime(2024, 1, 1, tzinfo=UTC)
    span = 2 * 365 * 86400

    # ---- users, organisations, memberships, team members, the benchmark token
    orgs = [
        (i, f"Org {i:02d} {LAST[i % len(LAST)]} Ltd", base - timedelta(days=400 + i), 4)
        for i in range(1, N_ORGS + 1)
    ]
    sink.insert(m.Organisation.__table__, ("id", "name", "created_at", "super_user_cap"), orgs)
    users, memberships, team_members = [], [], []
    org_users: dict[int, list[int]] = {i: [] for i in range(1, N_ORGS + 1)}
    user_org: dict[int, int] = {}
    agents: list[int] = []
    for uid in range(1, N_USERS + 1):
        first, last = rng.choice(FIRST), rng.choice(LAST)
        created = base - timedelta(days=rng.randint(1, 300))
        if uid <= N_STAFF:
            role = "ADMIN" if uid > N_STAFF - 5 else "AGENT"
            email = (
                f"agent{uid}@provider.example"
                if role == "AGENT"
                else f"admin{uid}@provider.example"
            )
            if role == "AGENT":
                agents.append(uid)
                team_members.append(
                    (len(team_members) + 1, team_ids[uid % len(team_ids)], uid, created)
                )
        else:
            role = "CUSTOMER"
            org = rng.randint(1, N_ORGS)
            email = f"{first.lower()}.{last.lower()}.{uid}@org{org}.example.com"
            org_users[org].append(uid)
            user_org[uid] = org
            memberships.append(
                (
                    len(memberships) + 1,
                    org,
                    uid,
                    "SUPER_USER" if len(org_users[org]) <= 4 else "MEMBER",
                    created,
                )
            )
        users.append(
            (uid, email, f"{first} {last}", None, role, "en", "UTC", True, created, created)
        )
    assert BENCH_AGENT_EMAIL == "agent1@provider.example"
    sink.insert(
        m.User.__table__,
        (
            "id",
            "email",
            "display_name",
            "password_hash",
            "role",
            "locale",
            "time_zone",
            "is_active",
            "created_at",
            "updated_at",
        ),
        users,
    )
    sink.insert(
        m.Membership.__table__,
        ("id", "organisation_id", "user_id", "role", "created_at"),
        memberships,
    )
    sink.insert(m.TeamMember.__table__, ("id", "team_id", "user_id", "created_at"), team_members)
    sink.insert(
        m.ApiToken.__table__,
        ("id", "user_id", "name", "token_hash", "token_prefix", "created_at", "last_used_at"),
        [(1, 1, "benchmark", token_hash(BENCH_TOKEN), BENCH_TOKEN[:10], base, base)],
    )

    # ---- requests with their comments, events, documents and participants
    status_names = [s for s, _ in STATUSES]
    status_cum = _cumulative([w for _, w in STATUSES])
    prio_cum = _cumulative([w for *_, w in PRIORITIES])
    offsets = sorted(rng.randrange(span) for _ in range(n_requests))
    per_request = [0] * (n_requests + 1)
    for _ in range(n_comments):
        per_request[rng.randint(1, n_requests)] += 1
    detail_id = detail_request_id(n_requests)
    per_request[detail_id] = DETAIL_COMMENTS
    customers = [u for u in range(N_STAFF + 1, N_USERS + 1)]

    comment_id = event_id = participant_id = 0
    req_cols = (
        "id",
        "number",
        "reference",
        "request_type_id",
        "form_version_id",
        "organisation_id",
        "reporter_id",
        "created_by_id",
        "summary",
        "description",
        "field_values",
        "urgency",
        "impact",
        "priority_key",
        "priority_rank",
        "status",
        "visibility",
        "assignee_id",
        "team_id",
        "due_at",
        "resolved_at",
        "created_at",
        "updated_at",
    )
    comment_cols = ("id", "request_id", "author_id", "body", "internal", "created_at")
    event_cols = ("id", "request_id", "kind", "actor_id", "data", "internal", "created_at")
    for chunk_start in range(1, n_requests + 1, CHUNK):
        reqs, comments, events, docs, participants = [], [], [], [], []
        for rid in range(chunk_start, min(n_requests, chunk_start + CHUNK - 1) + 1):
            reporter = rng.choice(customers)
            org = user_org[reporter]
            created = base + timedelta(seconds=offsets[rid - 1])
            type_id, team_id, version_id, fields = types[rng.randrange(len(types))]
            status = rng.choices(status_names, cum_weights=status_cum)[0]
            prio_key, prio_rank, _ = rng.choices(PRIORITIES, cum_weights=prio_cum)[0]
            summary, description = words(6, 10), words(45, 75)
            values = _field_values(rng, words, fields)
            assignee = None if status == "WAITING_FOR_SUPPORT" else rng.choice(agents)
            due = created + timedelta(days=rng.randint(1, 30)) if rng.random() < 0.3 else None
            visibility = "ORGANISATION" if rng.random() < 0.5 else "PRIVATE"
            reference = f"FD-{rid}"
            t = created
            public, internal = [], []
            for _ in range(per_request[rid]):
                comment_id += 1
                t = t + timedelta(seconds=rng.randint(60, 86400 * 3))
                draw = rng.random()
                if draw < 0.5:
                    author, is_internal = reporter, False
                elif draw < 0.85:
                    author = rng.choice(agents)
                    is_internal = rng.random() < 0.25
                else:
                    author, is_internal = rng.choice(org_users[org]), False
                body = words(10, 40)
                comments.append((comment_id, rid, author, body, is_internal, t))
                (internal if is_internal else public).append(body)
            updated = t if per_request[rid] else created + timedelta(hours=rng.randint(1, 48))
            reqs.append(
                (
                    rid,
                    rid,
                    reference,
                    type_id,
                    version_id,
                    org,
                    reporter,
                    reporter,
                    summary,
                    description,
                    values,
                    None,
                    None,
                    prio_key,
                    prio_rank,
                    status,
                    visibility,
                    assignee,
                    team_id,
                    due,
                    updated if status == "RESOLVED" else None,
                    created,
                    updated,
                )
            )
            event_id += 1
            events.append(
                (
                    event_id,
                    rid,
                    "CREATED",
                    reporter,
                    {
                        "reference": reference,
                        "summary": summary,
                        "priority": prio_key,
                        "prioritySource": "SCHEME_DEFAULT",
                        "reporterId": reporter,
                    },
                    False,
                    created,
                )
            )
            if rid == detail_id:
                # 99 COMMENTED events, one per comment, for the detail scenario's timeline.
                for row in comments[-DETAIL_COMMENTS:][: DETAIL_COMMENTS - 1]:
                    event_id += 1
                    events.append(
                        (
                            event_id,
                            rid,
                            "COMMENTED",
                            row[2],
                            {"commentId": row[0], "internal": row[4]},
                            row[4],
                            row[5],
                        )
                    )
            if rng.random() < 0.1 and len(org_users[org]) > 1:
                other = rng.choice(org_users[org])
                if other != reporter:
                    participant_id += 1
                    participants.append((participant_id, rid, other, created))
            head = head_text(reference, summary, description, fields, values)
            public_text = "\n".join(p for p in (head, *public) if p)
            docs.append((rid, head, public_text, "\n".join(internal)))
        sink.insert(m.Request.__table__, req_cols, reqs)
        sink.insert(
            m.RequestParticipant.__table__,
            ("id", "request_id", "user_id", "created_at"),
            participants,
        )
        sink.insert(m.Comment.__table__, comment_cols, comments)
        sink.insert(m.TimelineEvent.__table__, event_cols, events)
        sink.insert(
            m.RequestSearchDocument.__table__,
            ("request_id", "head_text", "public_text", "internal_text"),
            docs,
        )
        if (chunk_start - 1) % (CHUNK * 8) == 0:
            print(
                f"  requests {chunk_start + len(reqs) - 1:>7}/{n_requests} "
                f"({time.perf_counter() - started:.1f}s)",
                flush=True,
            )
    sink.commit()
    print(
        f"  rows loaded ({time.perf_counter() - started:.1f}s); indexes and search index",
        flush=True,
    )
    _finish(sink, recreate, n_requests)
    sink.conn.close()
    elapsed = time.perf_counter() - started
    print(f"done in {elapsed:.1f}s: {sink.counts}", flush=True)
    return {"seconds": round(elapsed, 1), "rows": sink.counts, "scale": scale}


def _reset(target: Target) -> None:
    if target.sqlite_path is not None:
        target.sqlite_path.parent.mkdir(parents=True, exist_ok=True)
        for suffix in ("", "-wal", "-shm"):
            target.sqlite_path.with_name(target.sqlite_path.name + suffix).unlink(missing_ok=True)
        return
    import psycopg

    assert target.pg_dsn is not None
    base, _, name = target.pg_dsn.rpartition("/")
    with psycopg.connect(f"{base}/postgres", autocommit=True) as admin:
        admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        admin.execute(f'CREATE DATABASE "{name}"')


def iter_targets(urls: Sequence[str]) -> Iterator[Target]:
    for url in urls:
        yield Target.parse(url)


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--db",
        action="append",
        required=True,
        help="sqlite:///path, postgresql://host:port/name, or sqlite / pg",
    )
    parser.add_argument("--scale", type=float, default=1.0)
    args = parser.parse_args(argv)
    for target in iter_targets(args.db):
        print(f"generating {target.kind} at scale {args.scale}", flush=True)
        facts = generate(target, args.scale)
        print(json.dumps(facts), file=sys.stderr)


if __name__ == "__main__":
    main()
