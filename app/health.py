"""GET / (liveness) and GET /health (database reachable, migrations current, version)."""
from flask import Blueprint, current_app, jsonify

from . import __version__, deadlines

HEALTH_BUDGET_S = 0.75  # a load balancer's check gets its 503 within 1 s when the database hangs

bp = Blueprint("health", __name__)


@bp.get("/")
def liveness():
    return jsonify(status="ok")


@bp.get("/health")
def health():
    from . import db
    runtime = current_app.extensions["statussync"]
    try:
        with deadlines.within(HEALTH_BUDGET_S), db.connection(runtime.dsn) as conn:
            pending = db.pending_migrations(conn)
            conn.rollback()
    except Exception:  # any failure to read the database in time (hung, down, refused) means degraded
        return jsonify(status="degraded", database="unreachable", version=__version__), 503
    if pending:
        return jsonify(status="degraded", database="ok", migrations="pending", pending=pending,
                       version=__version__), 503
    return jsonify(status="ok", database="ok", migrations="current", version=__version__)
