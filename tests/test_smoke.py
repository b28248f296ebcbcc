import httpx

from tests.support.server import LiveServer


def test_healthz(server: LiveServer) -> None:
    response = httpx.get(f"{server.url}/healthz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok", "database": "up"}


def test_viewer_after_login(admin) -> None:
    data = admin.ok("{ viewer { user { email role } teams { name } } }")
    assert data["viewer"]["user"] == {"email": "admin@frontdesk.example", "role": "ADMIN"}
