"""Per-request context: who is asking, the database, loaders and settings."""

from __future__ import annotations

from dataclasses import dataclass, field

from starlette.requests import Request
from starlette.responses import Response
from starlette.websockets import WebSocket

from backend.auth.viewer import Viewer
from backend.config import Settings
from backend.db.engine import Database
from backend.events.broker import Broker
from backend.loaders import Loaders


@dataclass
class Context:
    request: Request | WebSocket
    response: Response | WebSocket | None
    settings: Settings
    db: Database
    viewer: Viewer | None
    client_address: str
    # The raw session token of a cookie-authenticated request, so logout can revoke it.
    session_token: str | None = None
    # WebSocket only: the `connection_init` payload (may carry credentials).
    connection_params: dict[str, object] | None = None
    # Live updates (subscriptions); set by the app.
    broker: Broker | None = None
    loaders: Loaders = field(init=False)

    def __post_init__(self) -> None:
        self.loaders = Loaders(self.db)

    def reset_loaders(self) -> None:
        self.loaders = Loaders(self.db)
