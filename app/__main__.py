"""python -m app serve | migrate | job NAME | grant-premium GUILD TIER [--days N] | revoke-premium GUILD"""
import argparse
import logging
import sys


def _settings(database=True):
    from . import settings_for
    from .config import ConfigError
    try:
        return settings_for(database=database)
    except ConfigError as exc:
        sys.exit(f"statussync: {exc}")


def serve(args) -> None:
    from waitress.server import create_server

    from . import create_app, db
    settings = _settings()
    db.migrate(settings["DATABASE_URL"], log=lambda line: print(f"  {line}"))
    app = create_app(settings)
    port = args.port or int(settings["PORT"])
    try:
        server = create_server(app, host=args.host, port=port, threads=8, ident="statussync")  # bound: the URLs work
    except OSError as exc:
        sys.exit(f"statussync: can't listen on port {port} ({exc.strerror}); pick another: --port N or PORT=N")
    sandbox = app.extensions["statussync"].settings.get("SANDBOX")
    if settings.get("LOCAL_MODE"):
        print("Local mode: no Discord application is configured, so StatusSync uses a generated key pair.")
        print(f"  public key {settings['DISCORD_PUBLIC_KEY']} (kept in .data/local_identity.json)")
        if sandbox:
            print(f"  simulated Discord at {sandbox.fake.base_url} with the demo guild {sandbox.demo.guild_id!r}")
        print("  try it:  ./run try '/config view'   (signs and sends an interaction to this server)")
    print(f"StatusSync listening on http://127.0.0.1:{port}  (health: /health, interactions: POST /interactions)")
    if sandbox:
        print(f"Sandbox: http://127.0.0.1:{port}/sandbox   (open it in a browser)", flush=True)
    server.run()


def migrate(args) -> None:
    from . import db
    applied = db.migrate(_settings()["DATABASE_URL"])
    print(f"{len(applied)} migration(s) applied" if applied else "database is up to date")


def job(args) -> None:
    from . import features
    from .runtime import Runtime
    jobs = features.jobs()
    if args.name not in jobs:
        sys.exit(f"statussync: unknown job {args.name!r}; jobs: {', '.join(sorted(jobs))}")
    features.load()
    from .jobs import run_job
    print(run_job(Runtime(_settings()), args.name))  # under the job's lock: an overlapping start does nothing


def _premium_command(action, *arguments) -> None:
    """Run a manual-premium action; a bad GUILD, TIER or --days is one line on stderr and exit code 2."""
    from .jobs.premium import BadArguments, check_arguments
    from .runtime import Runtime
    try:
        check_arguments(*arguments)
        print(action(Runtime(_settings()), *arguments))
    except BadArguments as exc:
        print(f"statussync: {exc}", file=sys.stderr)
        sys.exit(2)


def grant_premium(args) -> None:
    from .jobs.premium import grant
    _premium_command(grant, args.guild, args.tier, args.days)


def revoke_premium(args) -> None:
    from .jobs.premium import revoke
    _premium_command(revoke, args.guild)


def try_command(args) -> None:
    from .local_try import send
    settings = _settings(database=False)
    print(send(settings, args.command, port=args.port or int(settings["PORT"]), as_json=args.json, who=args.who,
               channel=args.channel))


def main(argv=None) -> None:
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    logging.getLogger("pgserver").setLevel(logging.WARNING)
    parser = argparse.ArgumentParser(prog="python -m app", description="StatusSync")
    sub = parser.add_subparsers(dest="command", required=True)
    p = sub.add_parser("serve", help="run the app (embedded database when DATABASE_URL is unset)")
    p.add_argument("--port", type=int)
    p.add_argument("--host", default="0.0.0.0")
    p.set_defaults(func=serve)
    sub.add_parser("migrate", help="apply sql/migrations in order").set_defaults(func=migrate)
    p = sub.add_parser("job", help="run one scheduled job once")
    p.add_argument("name")
    p.set_defaults(func=job)
    p = sub.add_parser("grant-premium", help="give a guild a premium tier by hand")
    p.add_argument("guild")
    p.add_argument("tier", help="basic, pro or enterprise")
    p.add_argument("--days", default=None, help="how long (default: no end)")
    p.set_defaults(func=grant_premium)
    p = sub.add_parser("revoke-premium", help="take a guild's manual premium away")
    p.add_argument("guild")
    p.set_defaults(func=revoke_premium)
    p = sub.add_parser("try", help="local mode: sign and send a slash command to the running server")
    p.add_argument("command")
    p.add_argument("--port", type=int, help="the server's port (default: PORT, else 3000)")
    p.add_argument("--json", action="store_true", help="print the raw interaction response")
    p.add_argument("--as", dest="who", help="sandbox member to run it as (username or id; default: the owner)")
    p.add_argument("--channel", help="sandbox channel (name or id; default: #general)")
    p.set_defaults(func=try_command)
    args = parser.parse_args(argv)
    args.func(args)


if __name__ == "__main__":
    main()
