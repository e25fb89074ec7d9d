"""StatusSync: an HTTP-interactions Discord bot. create_app builds the Flask application."""
import logging
import os

__version__ = "0.1.0"

log = logging.getLogger("statussync")


def settings_for(config=None, *, database=True) -> dict:
    """Settings from the environment, overridden by `config`, with local mode filled in and checked."""
    from . import config as cfg
    settings = cfg.from_environment()
    settings.update(config or {})
    if cfg.is_local_mode(settings) and not os.environ.get("AWS_LAMBDA_FUNCTION_NAME"):
        from .local import LOCAL_APPLICATION_ID, local_identity
        identity = local_identity()
        settings.update(LOCAL_MODE=True, DISCORD_APPLICATION_ID=LOCAL_APPLICATION_ID,
                        DISCORD_PUBLIC_KEY=identity["public_key"], DISCORD_BOT_TOKEN=None,
                        LOCAL_SIGNING_KEY=identity["signing_key"])
        settings["SECRET_KEY"] = settings.get("SECRET_KEY") or identity["secret_key"]
    cfg.check(settings)
    if database and not settings.get("DATABASE_URL"):
        if os.environ.get("AWS_LAMBDA_FUNCTION_NAME"):
            raise cfg.ConfigError("missing required setting DATABASE_URL (no embedded database on Lambda)")
        from .local import embedded_database_url
        settings["DATABASE_URL"] = embedded_database_url()
    return settings


def create_app(config=None):
    from flask import Flask, jsonify
    from werkzeug.exceptions import HTTPException

    from . import health
    from .interactions import routes as interactions
    from .interactions.registry import LazyCommandSet
    from .runtime import Runtime

    settings = settings_for(config)
    if settings.get("LOCAL_MODE"):
        from .local import attach_sandbox
        attach_sandbox(settings)  # the simulated Discord: before the runtime, whose REST client must reach it
    app = Flask(__name__)
    app.config.update(SECRET_KEY=settings["SECRET_KEY"], MAX_CONTENT_LENGTH=4 * 1024 * 1024,
                      JSON_SORT_KEYS=False)
    runtime = Runtime(settings)
    # Nothing of a feature is imported here: the command modules (and through them the services) load with
    # the first command, deferred tasks with the first deferral, sections with the first settings read, so a
    # cold start that answers a PING stays as cheap as a bare Flask + PyNaCl handler.
    runtime.commands = settings.get("COMMANDS") or LazyCommandSet(_command_set)
    runtime.choose_deferred = _deferred_runner
    app.extensions["statussync"] = runtime
    app.register_blueprint(health.bp)
    app.register_blueprint(interactions.bp)
    from dashboard import register as register_dashboard  # its views import their services when first called
    register_dashboard(app)

    @app.errorhandler(HTTPException)
    def http_error(exc):
        return jsonify(error=exc.description or exc.name), exc.code

    @app.errorhandler(Exception)
    def unexpected_error(exc):
        log.error("unhandled error", exc_info=exc)
        return jsonify(error="internal error"), 500

    if settings.get("LOCAL_MODE") and settings.get("SANDBOX"):
        from sandbox.page import bp as sandbox_page  # local mode only: absent whenever Discord is configured
        app.register_blueprint(sandbox_page)
    return app


def _command_set():
    from . import features
    return features.command_set()


def _deferred_runner():
    from .interactions import runners
    return runners.runner_for_environment()
