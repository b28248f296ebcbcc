"""The app as `frontdesk serve` runs it: garbage collector tuned for a long-running server.

A module of its own (imports only the app), so uvicorn's worker processes start as fast as
with `backend.app:create_app`: its supervisor restarts workers that are slow to answer.
"""

from __future__ import annotations

import gc

from starlette.applications import Starlette

from backend.app import create_app

# Young-generation collections every 50,000 allocations instead of 700: a list query makes
# tens of thousands of short-lived objects, and with the default the collector ran several
# times per request (p99 tails in the profiles). Older generations as rarely as before.
GC_THRESHOLDS = (50_000, 20, 100)


def create_tuned_app() -> Starlette:
    """`create_app()`, then the objects made at start-up (modules, schema, settings) are moved
    out of the collector's view (gc.freeze), so full collections no longer walk them."""
    application = create_app()
    gc.freeze()
    gc.set_threshold(*GC_THRESHOLDS)
    return application
