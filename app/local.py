"""Local mode: no Discord application, no database server, nothing to configure."""
import json
import os
import secrets
from pathlib import Path

DATA_DIR = Path(os.environ.get("STATUSSYNC_DATA_DIR", Path.cwd() / ".data"))
LOCAL_APPLICATION_ID = "100000000000000001"


def local_identity() -> dict:
    """A key pair and secret kept under .data/ so a restart keeps the same local identity."""
    from nacl.signing import SigningKey

    path = DATA_DIR / "local_identity.json"
    if path.exists():
        return json.loads(path.read_text())
    signing_key = SigningKey.generate()
    identity = {
        "signing_key": signing_key.encode().hex(),
        "public_key": signing_key.verify_key.encode().hex(),
        "secret_key": secrets.token_hex(32),
    }
    DATA_DIR.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(identity))
    path.chmod(0o600)
    return identity


def embedded_database_url() -> str:
    """Start (or reuse) the embedded PostgreSQL under .data/pg; pgserver ships its binaries."""
    try:
        import pgserver
    except ImportError:
        raise SystemExit("DATABASE_URL is unset and the embedded database isn't installed: "
                         "pip install -r requirements-dev.txt, or set DATABASE_URL") from None
    DATA_DIR.mkdir(parents=True, exist_ok=True)
    server = pgserver.get_server(str(DATA_DIR / "pg"), cleanup_mode=None)
    return server.get_uri()
