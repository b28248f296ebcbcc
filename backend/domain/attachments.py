"""Attachments: file content stored once by SHA-256 under the data directory, one row per upload.

Layout: `<data_dir>/attachments/<aa>/<bb>/<sha256>`. An upload is first streamed into
`<data_dir>/attachments/tmp/` while it is hashed (same file system, so the final move is an
atomic rename), then moved into place, or dropped when the same content is already stored.
A row whose `request_id` is still null after a day is swept, and so is content no row uses.
"""

from __future__ import annotations

import hashlib
import mimetypes
import os
import re
import tempfile
import unicodedata
from collections.abc import Collection, Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path, PurePath
from typing import Protocol

import anyio.to_thread
from sqlalchemy import delete, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from backend.auth import policies
from backend.auth.viewer import Viewer
from backend.config import Settings
from backend.db.base import utcnow
from backend.db.models import Attachment
from backend.domain.errors import DomainError

STORE_DIR = "attachments"
TMP_DIR = "tmp"
CHUNK_SIZE = 64 * 1024
MAX_FILENAME = 255
_HEAD_SIZE = 16  # enough bytes for every signature below
_SHA256 = re.compile(r"[0-9a-f]{64}")
_BUCKET = re.compile(r"[0-9a-f]{2}")
_SWEEP_BATCH = 500

# Names browsers and tools send for the same format.
_ALIASES = {
    "image/jpg": "image/jpeg",
    "image/pjpeg": "image/jpeg",
    "image/x-png": "image/png",
    "application/x-zip-compressed": "application/zip",
    "application/x-zip": "application/zip",
    "application/csv": "text/csv",
    "text/x-csv": "text/csv",
    "text/comma-separated-values": "text/csv",
    "application/x-pdf": "application/pdf",
}
# Types that say nothing: the file name's extension decides instead.
_GENERIC = {"", "application/octet-stream", "binary/octet-stream", "application/unknown"}
# A fixed map first, so the answer does not depend on the host's /etc/mime.types.
_BY_EXTENSION = {
    ".png": "image/png",
    ".jpg": "image/jpeg",
    ".jpeg": "image/jpeg",
    ".gif": "image/gif",
    ".webp": "image/webp",
    ".pdf": "application/pdf",
    ".txt": "text/plain",
    ".log": "text/plain",
    ".csv": "text/csv",
    ".json": "application/json",
    ".zip": "application/zip",
    ".doc": "application/msword",
    ".docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    ".xls": "application/vnd.ms-excel",
    ".xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    ".ppt": "application/vnd.ms-powerpoint",
    ".pptx": "application/vnd.openxmlformats-officedocument.presentationml.presentation",
    ".odt": "application/vnd.oasis.opendocument.text",
    ".ods": "application/vnd.oasis.opendocument.spreadsheet",
    ".odp": "application/vnd.oasis.opendocument.presentation",
}
_LABELS = {
    "image/png": "a PNG image",
    "image/jpeg": "a JPEG image",
    "image/gif": "a GIF image",
    "image/webp": "a WebP image",
    "image/bmp": "a BMP image",
    "image/tiff": "a TIFF image",
    "application/pdf": "a PDF document",
}
# Raster images a browser may show inline without running anything.
INLINE_TYPES = frozenset({"image/png", "image/jpeg", "image/gif", "image/webp"})


class Readable(Protocol):
    """A synchronous binary stream (the spooled file of a multipart upload)."""

    def read(self, size: int = -1, /) -> bytes: ...


@dataclass(frozen=True, slots=True)
class UploadRules:
    max_bytes: int
    allowed_types: frozenset[str]

    @classmethod
    def from_settings(cls, settings: Settings) -> UploadRules:
        allowed = frozenset(normalise_type(t) for t in settings.attachment_allowed_types)
        return cls(max_bytes=settings.attachment_max_bytes, allowed_types=allowed)


@dataclass(frozen=True, slots=True)
class StoredContent:
    """Content that is in the store, with what we know about it; not yet a row."""

    sha256: str
    size: int
    content_type: str
    filename: str


@dataclass(frozen=True, slots=True)
class SweepResult:
    rows_deleted: int
    files_deleted: int


# ---- names and types


def sanitise_filename(name: str | None) -> str:
    """The original file name as a label: last path part only, no control or bidi-override
    characters, at most 255 characters (keeping the extension)."""
    text = unicodedata.normalize("NFC", name or "")
    text = re.split(r"[/\\]", text)[-1]
    # Category C: control, format (e.g. U+202E, which makes "exe.pdf" look like "fdp.exe"),
    # surrogates, private use, unassigned.
    text = "".join(ch for ch in text if unicodedata.category(ch)[0] != "C").strip()
    if text in ("", ".", ".."):
        return "file"
    if len(text) > MAX_FILENAME:
        suffix = PurePath(text).suffix
        suffix = suffix if len(suffix) <= 16 else ""
        text = text[: MAX_FILENAME - len(suffix)] + suffix
    return text


def normalise_type(declared: str | None, filename: str = "") -> str:
    """The declared content type without parameters, lower-case, aliases resolved; a generic
    or missing type is guessed from the file name's extension."""
    base = (declared or "").split(";", 1)[0].strip().lower()
    base = _ALIASES.get(base, base)
    if base in _GENERIC and filename:
        extension = PurePath(filename).suffix.lower()
        guessed = _BY_EXTENSION.get(extension) or mimetypes.guess_type(filename)[0] or ""
        base = _ALIASES.get(guessed, guessed)
    return base or "application/octet-stream"


def signature_matches(content_type: str, head: bytes) -> bool:
    """For images and PDF, whether the first bytes are that format's signature. Other types
    have no reliable signature (text) or share one (zip, office documents): always True."""
    if content_type == "image/png":
        return head.startswith(b"\x89PNG\r\n\x1a\n")
    if content_type == "image/jpeg":
        return head.startswith(b"\xff\xd8\xff")
    if content_type == "image/gif":
        return head.startswith((b"GIF87a", b"GIF89a"))
    if content_type == "image/webp":
        return head[:4] == b"RIFF" and head[8:12] == b"WEBP"
    if content_type == "image/bmp":
        return head.startswith(b"BM")
    if content_type == "image/tiff":
        return head.startswith((b"II*\x00", b"MM\x00*"))
    if content_type == "application/pdf":
        return head.startswith(b"%PDF-")
    return True


# ---- the store


def store_root(data_dir: Path) -> Path:
    return Path(data_dir) / STORE_DIR


def content_path(data_dir: Path, sha256: str) -> Path:
    """Where content with this hash lives. Checked, so a bad row can never name another path."""
    if not _SHA256.fullmatch(sha256):
        raise ValueError(f"not a SHA-256 hex digest: {sha256!r}")
    return store_root(data_dir) / sha256[:2] / sha256[2:4] / sha256


def _too_large(max_bytes: int) -> DomainError:
    return DomainError.single(
        "file", "FILE_TOO_LARGE", f"The file is larger than the limit of {_human(max_bytes)}."
    )


def _human(size: int) -> str:
    if size >= 1024 * 1024 and size % (1024 * 1024) == 0:
        return f"{size // (1024 * 1024)} MB"
    if size >= 1024 and size % 1024 == 0:
        return f"{size // 1024} KB"
    return f"{size} bytes"


def _write_temp(stream: Readable, tmp_dir: Path, max_bytes: int) -> tuple[Path, str, int, bytes]:
    """Copy the stream into a temp file chunk by chunk, hashing as it goes; never reads more
    than max_bytes + 1 bytes. Returns (temp path, sha256, size, first bytes)."""
    tmp_dir.mkdir(parents=True, exist_ok=True)
    fd, name = tempfile.mkstemp(dir=tmp_dir, prefix="upload-")
    path = Path(name)
    digest = hashlib.sha256()
    size = 0
    head = b""
    try:
        with os.fdopen(fd, "wb") as out:
            while True:
                # One byte past the limit is enough to know the file is too large.
                chunk = stream.read(min(CHUNK_SIZE, max_bytes + 1 - size))
                if not chunk:
                    break
                size += len(chunk)
                if size > max_bytes:
                    raise _too_large(max_bytes)
                if len(head) < _HEAD_SIZE:
                    head += chunk[: _HEAD_SIZE - len(head)]
                digest.update(chunk)
                out.write(chunk)
    except BaseException:
        path.unlink(missing_ok=True)
        raise
    return path, digest.hexdigest(), size, head


def _place(tmp: Path, target: Path) -> None:
    """Move the temp file into the store, or drop it when the content is already there."""
    if target.exists():
        try:
            # A fresh mtime puts the shared file back under the sweep's grace period.
            os.utime(target)
            tmp.unlink()
            return
        except FileNotFoundError:
            pass  # a sweep removed it just now: store ours instead
    target.parent.mkdir(parents=True, exist_ok=True)
    os.replace(tmp, target)


async def store_content(
    data_dir: Path,
    stream: Readable,
    *,
    filename: str | None,
    declared_type: str | None,
    rules: UploadRules,
) -> StoredContent:
    """Validate and store an upload's content (no database work, so a caller holds no lock
    while the file is copied). Problems are DomainErrors on ("file",)."""
    name = sanitise_filename(filename)
    content_type = normalise_type(declared_type, name)
    if content_type not in rules.allowed_types:
        raise DomainError.single(
            "file", "TYPE_NOT_ALLOWED", f"Files of type {content_type} are not accepted."
        )
    tmp_dir = store_root(data_dir) / TMP_DIR
    # File I/O in a worker thread: the event loop keeps serving other requests.
    tmp, sha256, size, head = await anyio.to_thread.run_sync(
        _write_temp, stream, tmp_dir, rules.max_bytes
    )
    try:
        if size == 0:
            raise DomainError.single("file", "EMPTY_FILE", "The file is empty.")
        if not signature_matches(content_type, head):
            label = _LABELS.get(content_type, content_type)
            raise DomainError.single(
                "file", "TYPE_MISMATCH", f"The file's content is not {label} as declared."
            )
        await anyio.to_thread.run_sync(_place, tmp, content_path(data_dir, sha256))
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
    return StoredContent(sha256=sha256, size=size, content_type=content_type, filename=name)


async def create_attachment(
    session: AsyncSession, stored: StoredContent, *, uploader_id: int
) -> Attachment:
    """The row of a stored upload; it references no request until one claims it."""
    row = Attachment(
        sha256=stored.sha256,
        size=stored.size,
        content_type=stored.content_type,
        filename=stored.filename,
        uploader_id=uploader_id,
        created_at=utcnow(),
    )
    session.add(row)
    await session.flush()
    return row


# ---- reading and linking


async def visible_attachment(session: AsyncSession, viewer: Viewer, pk: int) -> Attachment | None:
    """The attachment when it exists and the viewer may see it (policies.attachment_filter)."""
    return await session.scalar(
        select(Attachment).where(Attachment.id == pk, policies.attachment_filter(viewer))
    )


async def unreferenced_uploads(
    session: AsyncSession, uploader_id: int, ids: Collection[int]
) -> dict[int, Attachment]:
    """The uploader's own attachments among `ids` that no request references yet, by id, for
    a submission to validate and then link. Locked (FOR UPDATE on PostgreSQL; SQLite's write
    transaction already serialises) so two submissions cannot both claim one file, and the
    sweep cannot delete it meanwhile."""
    if not ids:
        return {}
    rows = await session.scalars(
        select(Attachment)
        .where(
            Attachment.id.in_(set(ids)),
            Attachment.uploader_id == uploader_id,
            Attachment.request_id.is_(None),
        )
        .with_for_update()
    )
    return {row.id: row for row in rows}


async def link_to_request(
    session: AsyncSession,
    ids: Iterable[int],
    *,
    request_id: int,
    field_key: str | None = None,
    comment_id: int | None = None,
) -> None:
    """Attach uploads (already checked with unreferenced_uploads) to a request, and to one of
    its fields or comments."""
    wanted = set(ids)
    if wanted:
        await session.execute(
            update(Attachment)
            .where(Attachment.id.in_(wanted), Attachment.request_id.is_(None))
            .values(request_id=request_id, field_key=field_key, comment_id=comment_id)
        )


# ---- the sweep


def _stale_content(root: Path, cutoff: float) -> dict[str, Path]:
    """Content files not modified since `cutoff`, by hash."""
    found: dict[str, Path] = {}
    if not root.is_dir():
        return found
    with os.scandir(root) as level1:
        firsts = [e for e in level1 if e.is_dir() and _BUCKET.fullmatch(e.name)]
    for first in firsts:
        with os.scandir(first.path) as level2:
            seconds = [e for e in level2 if e.is_dir() and _BUCKET.fullmatch(e.name)]
        for second in seconds:
            prefix = first.name + second.name
            with os.scandir(second.path) as files:
                for entry in files:
                    if (
                        _SHA256.fullmatch(entry.name)
                        and entry.name.startswith(prefix)
                        and entry.stat().st_mtime < cutoff
                    ):
                        found[entry.name] = Path(entry.path)
    return found


def _remove_if_stale(paths: Iterable[Path], cutoff: float) -> int:
    """Remove files still untouched since `cutoff` (an upload of the same content touches
    the file just before its row is written, so it survives)."""
    removed = 0
    for path in paths:
        try:
            if path.stat().st_mtime < cutoff:
                path.unlink()
                removed += 1
        except FileNotFoundError:
            pass
    return removed


def _stale_temp_files(root: Path, cutoff: float) -> list[Path]:
    """Leftovers of uploads interrupted by a crash."""
    tmp = root / TMP_DIR
    if not tmp.is_dir():
        return []
    with os.scandir(tmp) as entries:
        return [Path(e.path) for e in entries if e.is_file() and e.stat().st_mtime < cutoff]


async def sweep_unreferenced(
    session: AsyncSession, data_dir: Path, older_than: timedelta, *, now: datetime | None = None
) -> SweepResult:
    """Delete uploads no request references that are older than `older_than`, and content
    files untouched for as long that no row uses any more. Run it in a transaction that
    commits; a file is removed only when no row in this transaction's view uses it."""
    cutoff = (now or utcnow()) - older_than
    root = store_root(data_dir)
    # List files first: on SQLite the write lock is then held only for the short part below.
    candidates = await anyio.to_thread.run_sync(_stale_content, root, cutoff.timestamp())
    deleted = await session.execute(
        delete(Attachment).where(Attachment.request_id.is_(None), Attachment.created_at < cutoff)
    )
    unused: list[Path] = []
    hashes = sorted(candidates)
    for start in range(0, len(hashes), _SWEEP_BATCH):
        batch = hashes[start : start + _SWEEP_BATCH]
        used = set(
            await session.scalars(
                select(Attachment.sha256).where(Attachment.sha256.in_(batch)).distinct()
            )
        )
        unused += [candidates[h] for h in batch if h not in used]
    leftovers = await anyio.to_thread.run_sync(_stale_temp_files, root, cutoff.timestamp())
    files = await anyio.to_thread.run_sync(
        _remove_if_stale, [*unused, *leftovers], cutoff.timestamp()
    )
    return SweepResult(rows_deleted=int(deleted.rowcount or 0), files_deleted=files)  # type: ignore[attr-defined]
