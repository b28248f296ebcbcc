"""The built single-page app (frontend/dist) at `/`, on the same origin as `/graphql`.

- Files Vite names by content hash (under `assets/`) never change: cached for a year.
- Every other path without a file extension is a client route: `index.html`, never cached, so
  a new build reaches people on their next visit.
- A missing file (a path with an extension) is 404, not `index.html`: a stale script tag must
  not receive HTML with status 200.
- Backend paths (`/graphql`, `/files/...`, `/healthz`, `/metrics`, ...) are routed before this
  catch-all; their prefixes are refused here too, so a typo such as `/graphql/` never gets the
  SPA.
- Without a build, pages answer 503 with a short explanation of how to build it.

The directory is looked up per request, so building the SPA does not need a server restart.
"""

from __future__ import annotations

import html
from pathlib import Path, PurePosixPath

from starlette.requests import Request
from starlette.responses import FileResponse, HTMLResponse, PlainTextResponse, Response
from starlette.routing import Route

__all__ = ["BACKEND_PREFIXES", "spa_routes"]

# Paths the backend owns. Kept here (not derived from the app's routes) so adding middleware
# or routes elsewhere cannot silently route a backend path to the SPA.
BACKEND_PREFIXES = ("graphql", "files", "healthz", "readyz", "metrics")
HASHED_DIR = "assets"
IMMUTABLE = "public, max-age=31536000, immutable"
NO_CACHE = "no-cache"

_NOT_BUILT = """<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Frontdesk: web app not built</title>
<meta name="viewport" content="width=device-width, initial-scale=1">
<style>body{{font-family:system-ui,sans-serif;max-width:40rem;margin:4rem auto;padding:0 1rem;
color:#212529;line-height:1.5}}code{{background:#f1f3f5;padding:.1rem .3rem;border-radius:4px}}
</style></head><body>
<h1>The web app is not built yet</h1>
<p>The API is running at <a href="/graphql"><code>/graphql</code></a>, but no built
single-page app was found in <code>{directory}</code>.</p>
<p>Build it with <code>scripts/setup-frontend</code> (or <code>cd frontend &amp;&amp; npm ci
&amp;&amp; npm run build</code>), or point <code>FRONTDESK_SPA_DIR</code> at a build; then
reload this page.</p>
</body></html>
"""


def _is_backend_path(parts: tuple[str, ...]) -> bool:
    return bool(parts) and parts[0] in BACKEND_PREFIXES


def _inside(root: Path, relative: PurePosixPath) -> Path | None:
    """The file `relative` names under `root`, or None when missing or outside it."""
    if any(part in ("..", "") or part.startswith(".") for part in relative.parts):
        return None  # no traversal, no dotfiles
    candidate = (root / relative).resolve()
    try:
        candidate.relative_to(root.resolve())
    except ValueError:
        return None  # a symlink pointing out of the build
    return candidate if candidate.is_file() else None


def _file(request: Request, path: Path, cache: str, media_type: str | None = None) -> Response:
    """The file, or 304 when the browser's copy (If-None-Match) is current."""
    response = FileResponse(
        path, media_type=media_type, stat_result=path.stat(), headers={"Cache-Control": cache}
    )
    etag = response.headers["etag"]
    wanted = request.headers.get("if-none-match", "")
    if etag in (tag.strip() for tag in wanted.split(",")):
        return Response(status_code=304, headers={"ETag": etag, "Cache-Control": cache})
    return response


def spa_routes(directory: Path) -> list[Route]:
    """A catch-all route serving the SPA from `directory`; add it after every backend route."""

    async def serve(request: Request) -> Response:
        raw = request.path_params.get("path", "")
        relative = PurePosixPath(raw)
        parts = relative.parts
        if _is_backend_path(parts):
            return PlainTextResponse("Not Found", status_code=404)

        index = directory / "index.html"
        if parts:
            found = _inside(directory, relative)
            if found is not None:
                hashed = parts[0] == HASHED_DIR and len(parts) > 1
                return _file(request, found, IMMUTABLE if hashed else NO_CACHE)
            if "." in parts[-1] or parts[0] == HASHED_DIR:
                return PlainTextResponse("Not Found", status_code=404)
        if not index.is_file():
            page = _NOT_BUILT.format(directory=html.escape(str(directory)))
            return HTMLResponse(page, status_code=503, headers={"Cache-Control": NO_CACHE})
        return _file(request, index, NO_CACHE, media_type="text/html")

    return [Route("/{path:path}", serve, methods=["GET", "HEAD"], name="spa")]
