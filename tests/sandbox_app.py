"""The app in local mode, as `./run` starts it: no Discord settings, so the simulated Discord (sandbox/) runs
in-process with the demo guild and /sandbox is served. Import `sandbox_app` (and `sandbox_server`) as fixtures."""
import pytest

from app.config import DISCORD_REQUIRED


@pytest.fixture
def sandbox_app(clean_db, tmp_path, monkeypatch):
    for key in DISCORD_REQUIRED + ("SECRET_KEY", "DISCORD_API_BASE", "DISCORD_CDN_BASE"):
        monkeypatch.delenv(key, raising=False)
    monkeypatch.setenv("STATUSSYNC_DATA_DIR", str(tmp_path / "data"))  # the local key pair, kept out of the checkout
    from app import create_app
    app = create_app({"DATABASE_URL": clean_db})
    yield app
    app.extensions["statussync"].settings["SANDBOX"].stop()


@pytest.fixture
def sandbox_server(sandbox_app):
    """(base URL, simulator) of the local-mode app served on loopback by waitress."""
    from tests.browser import live_server
    with live_server(sandbox_app, threads=6) as base:
        yield base, sandbox_app.extensions["statussync"].settings["SANDBOX"]
