"""/dashboard/premium: the tiers (anyone) and Stripe's signed webhook; checkout, portal and status need the
dashboard's session, manager access and CSRF (wired where the dashboard's access layer is)."""
import logging

from flask import Blueprint, current_app, jsonify, request

log = logging.getLogger(__name__)
bp = Blueprint("premium", __name__, url_prefix="/dashboard/premium")


def _runtime():
    return current_app.extensions["statussync"]


@bp.get("/tiers")
def list_tiers():
    from app.premium import tiers
    settings = _runtime().settings
    listed = [{**tiers.describe(tier), "available": tier.name == "free" or bool(
        settings.get("STRIPE_SECRET_KEY") and settings.get(tier.price_setting))} for tier in tiers.TIERS.values()]
    return jsonify(tiers=listed)


@bp.post("/webhook")
def stripe_webhook():
    """Verified before anything reads the body; 2xx once the event is recorded (applied, stale or ignored),
    so Stripe stops retrying; 503 when it could not be recorded, so Stripe retries."""
    from app.errors import DatabaseUnavailable
    from app.premium import events, stripe_api
    runtime = _runtime()
    payload = request.get_data(cache=False)
    try:
        event = stripe_api.verified_event(runtime.settings, payload, request.headers.get("Stripe-Signature"))
        applied = events.apply_and_report(runtime, event, "webhook")
    except stripe_api.PremiumNotConfigured as exc:
        return jsonify(error=str(exc)), 503
    except (stripe_api.WebhookRefused, events.MalformedEvent) as exc:
        return jsonify(error=str(exc)), 400
    except DatabaseUnavailable:
        return jsonify(error="the database is unavailable; Stripe will retry"), 503
    return jsonify(received=True, outcome=applied.outcome)
