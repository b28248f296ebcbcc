"""The README's configuration table lists every setting."""

from pathlib import Path

from backend.config import Settings

README = Path(__file__).parents[1] / "README.md"


def test_every_setting_is_documented() -> None:
    text = README.read_text()
    missing = [n for n in Settings.model_fields if f"`FRONTDESK_{n.upper()}`" not in text]
    assert missing == []
