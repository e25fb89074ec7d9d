"""The one module that talks to Stripe (and the only one importing `stripe`, lazily: it costs a cold start).

The SDK's API base comes from STRIPE_API_BASE (tests point it at tests/fakes/stripe.py). Stripe errors
become StripeUnavailable (not reachable, or answering 5xx/429: try later) or StripeRefused (Stripe said no),
with a message fit for a page; a secret or Stripe's raw answer never goes into one.
"""
import logging
import threading

log = logging.getLogger(__name__)

TIMEOUT_S = 8          # a dashboard click waits at most this (twice, with the SDK's one retry)
NETWORK_RETRIES = 1    # the SDK retries a POST with the same Idempotency-Key, so nothing is made twice
_clients: dict = {}
_lock = threading.Lock()


class PremiumNotConfigured(Exception):
    """STRIPE_SECRET_KEY (or the webhook secret, or a tier's price) is not set."""


class StripeUnavailable(Exception):
    """Stripe could not be reached or failed on its side; nothing was done."""


class StripeRefused(Exception):
    """Stripe refused the request (a bad customer, a deleted price...)."""


class WebhookRefused(Exception):
    """A webhook whose signature is missing, wrong or stale, or whose body is not JSON."""


def selling(settings: dict) -> bool:
    """Checkout is on only with both secrets: without the webhook's, Stripe would charge and nothing grant."""
    return bool(settings.get("STRIPE_SECRET_KEY") and settings.get("STRIPE_WEBHOOK_SECRET"))


def require_selling(settings: dict) -> None:
    if not selling(settings):
        raise PremiumNotConfigured("premium checkout is not configured here (STRIPE_SECRET_KEY and "
                                   "STRIPE_WEBHOOK_SECRET are both needed)")


def client(settings: dict):
    key = settings.get("STRIPE_SECRET_KEY")
    if not key:
        raise PremiumNotConfigured("premium checkout is not configured here (STRIPE_SECRET_KEY is unset)")
    base = (settings.get("STRIPE_API_BASE") or "").rstrip("/").removesuffix("/v1") or None  # the SDK adds /v1
    with _lock:
        if (key, base) not in _clients:
            import stripe
            _clients[(key, base)] = stripe.StripeClient(
                key, base_addresses={"api": base} if base else None, max_network_retries=NETWORK_RETRIES,
                http_client=stripe.RequestsClient(timeout=TIMEOUT_S))
        return _clients[(key, base)]


def _call(what: str, request):
    import stripe
    try:
        return request().to_dict()
    except (stripe.APIConnectionError, stripe.RateLimitError) as exc:
        log.warning("stripe %s: %s", what, type(exc).__name__)
        raise StripeUnavailable("Stripe can't be reached right now; nothing was charged. "
                                "Try again in a few minutes.") from None
    except stripe.StripeError as exc:
        log.warning("stripe %s refused: %s %s", what, exc.http_status, getattr(exc, "code", None))
        if exc.http_status is None or exc.http_status >= 500:
            raise StripeUnavailable("Stripe had a problem with this request; nothing was charged. "
                                    "Try again in a few minutes.") from None
        raise StripeRefused("Stripe refused this request; nothing was charged. If it keeps happening, "
                            "contact the bot's operator.") from None


def create_checkout_session(settings: dict, params: dict, idempotency_key: str) -> dict:
    options = {"idempotency_key": idempotency_key}
    return _call("checkout", lambda: client(settings).v1.checkout.sessions.create(params=params, options=options))


def create_portal_session(settings: dict, params: dict) -> dict:
    return _call("portal", lambda: client(settings).v1.billing_portal.sessions.create(params=params))


def retrieve_subscription(settings: dict, subscription_id: str) -> dict:
    return _call("subscription", lambda: client(settings).v1.subscriptions.retrieve(subscription_id))


def list_events(settings: dict, params: dict) -> dict:
    """One page of Stripe's Events API (newest first): {"data": [...], "has_more": bool}."""
    return _call("events", lambda: client(settings).v1.events.list(params=params))


def verified_event(settings: dict, payload: bytes, signature: str | None) -> dict:
    """The event in a webhook body, after stripe.Webhook.construct_event checked its signature (and age)."""
    secret = settings.get("STRIPE_WEBHOOK_SECRET")
    if not secret:
        raise PremiumNotConfigured("the Stripe webhook is not configured here (STRIPE_WEBHOOK_SECRET is unset)")
    if not signature:
        raise WebhookRefused("missing Stripe-Signature header")
    import stripe
    try:
        event = stripe.Webhook.construct_event(payload, signature, secret)
    except stripe.SignatureVerificationError:
        raise WebhookRefused("bad or stale Stripe signature") from None
    except ValueError:  # verified, then not JSON (construct_event checks the signature first)
        raise WebhookRefused("the body is not JSON") from None
    except (TypeError, AttributeError, KeyError):  # JSON, but not an object
        raise WebhookRefused("the body is not a Stripe event") from None
    return event.to_dict()
