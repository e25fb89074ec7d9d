"""gunicorn's settings for StatusSync outside Lambda (Procfile: `gunicorn -c gunicorn.conf.py app.wsgi:app`).

Sized for a 2-core box: the app spends its time waiting on Discord and PostgreSQL, so each worker runs
threads (gthread), and one worker per core lets signature checks, cards and automod patterns use both
cores (one waitress process would hold the GIL on one). Every interaction is answered within Discord's
3 s by the app's own deadlines; `timeout` only kills a worker whose main loop stopped (a hung process).

Environment: PORT (set by Heroku and Railway), WEB_CONCURRENCY (workers; Heroku sets it per dyno size),
STATUSSYNC_THREADS. GUNICORN_CMD_ARGS overrides anything here (e.g. `--bind 127.0.0.1:8000` behind a
reverse proxy on the same box).
"""
import os

bind = [f"0.0.0.0:{os.environ.get('PORT', '8000')}"]
worker_class = "gthread"
workers = int(os.environ.get("WEB_CONCURRENCY") or 2)
threads = int(os.environ.get("STATUSSYNC_THREADS") or 8)
# A database connection per busy thread: at worst workers x (threads + 4 deferred tasks), 24 with these
# defaults, plus the jobs'. On a 20-connection plan set STATUSSYNC_THREADS=4 (docs/deployment.md).

timeout = 30            # a worker whose main loop is silent this long is killed and replaced
graceful_timeout = 25   # on SIGTERM/HUP: finish requests and deferred work (Heroku kills after 30 s)
keepalive = 5           # the platform's proxy reuses connections to the app
worker_tmp_dir = "/dev/shm" if os.path.isdir("/dev/shm") else None  # heartbeats never wait on a slow disk

# One line per request with the path only: a query string can carry an OAuth code; bodies and headers
# (interaction tokens, signatures) are never logged.
accesslog = "-"
errorlog = "-"
access_log_format = '%(h)s "%(m)s %(U)s" %(s)s %(B)s %(M)sms'
proc_name = "statussync"
control_socket_disable = True  # gunicorn 27's control socket: signals (TERM, HUP, TTIN/TTOU) are enough


def on_starting(server):
    """Apply pending migrations once, in the master, before any worker serves (as `python -m app serve`
    does). Several instances starting together take turns on the migration lock."""
    from app import db, settings_for
    from app.config import ConfigError

    try:
        url = settings_for()["DATABASE_URL"]
    except ConfigError as exc:
        raise SystemExit(f"statussync: {exc}") from None
    applied = db.migrate(url, log=server.log.info)
    server.log.info("database is up to date" if not applied else f"{len(applied)} migration(s) applied")
