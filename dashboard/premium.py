"""/dashboard/premium: the tiers (anyone), Stripe's signed webhook (Stripe; CSRF-exempt, the signature is its
check), and for a guild: its status (dashboard access), checkout and the customer portal (managers, CSRF)."""
from flask import Blueprint, current_app, jsonify, request

from dashboard import csrf, inputs
from dashboard.access import guild_access

bp = Blueprint("premium", __name__, url_prefix="/dashboard/premium")


def _runtime():
    return current_app.extensions["statussync"]


@bp.get("/tiers")
def list_tiers():
    from app.premium import stripe_api, tiers
    settings = _runtime().settings
    listed = [{**tiers.describe(tier), "available": tier.name == "free" or bool(
        stripe_api.selling(settings) and settings.get(tier.price_setting))} for tier in tiers.TIERS.values()]
    return jsonify(tiers=listed)


@bp.get("/status")
@guild_access(write=False)
def status(guild, conn):
    from app.premium import billing, usage
    runtime = _runtime()
    shown = billing.status(conn, runtime.settings, guild.guild_id, runtime.clock())
    used = usage.usage(conn, guild.guild_id, runtime.clock())
    return jsonify(**shown, usage={name: {"used": u, "allowed": a} for name, (u, a) in used.items()},
                   can_manage=guild.manager)


def _stripe_call(action):
    """Stripe's answer as JSON, or the refusal a manager can read (nothing was recorded or charged)."""
    from app.premium import billing, stripe_api
    try:
        return jsonify(action())
    except billing.AlreadySubscribed as exc:
        return jsonify(error=str(exc)), 409
    except billing.NoSubscription as exc:
        return jsonify(error=str(exc)), 404
    except stripe_api.PremiumNotConfigured as exc:  # this deployment sells nothing: the route is not here
        return jsonify(error=str(exc)), 404
    except (stripe_api.StripeUnavailable, stripe_api.StripeRefused) as exc:
        return jsonify(error=str(exc)), 503


@bp.post("/checkout")
@guild_access(manager_only=True)
def checkout(guild, conn):
    from app.premium import billing
    tier = inputs.json_object(allowed=("tier",)).get("tier")
    return _stripe_call(lambda: billing.start_checkout(_runtime(), guild.guild_id, tier, guild.user_id, conn=conn))


@bp.post("/portal")
@guild_access(manager_only=True)
def portal(guild, conn):
    from app.premium import billing
    inputs.json_object(allowed=())
    return _stripe_call(lambda: billing.open_portal(_runtime(), guild.guild_id, conn=conn))


@bp.post("/webhook")
@csrf.exempt
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
        return jsonify(error=str(exc)), 404
    except (stripe_api.WebhookRefused, events.MalformedEvent) as exc:
        return jsonify(error=str(exc)), 400
    except DatabaseUnavailable:
        return jsonify(error="the database is unavailable; Stripe will retry"), 503
    return jsonify(received=True, outcome=applied.outcome)
