"""A fake Stripe API on loopback speaking Stripe's wire format (form-encoded requests, JSON objects and
errors), for the SDK pointed at it through STRIPE_API_BASE:

    POST /v1/checkout/sessions, GET /v1/checkout/sessions/ID, POST /v1/billing_portal/sessions,
    POST /v1/customers, GET /v1/customers/ID, GET|POST|DELETE /v1/subscriptions/ID,
    GET /v1/events (newest first; limit, starting_after, types[], created[gte|gt|lte|lt]; has_more)

Billing happens through methods that change the objects and record the events Stripe would send:
    fake.complete_checkout(session_id, at) -> [checkout.session.completed, customer.subscription.created,
    invoice.paid];  fake.renew(sub_id, at, paid=True|False);  fake.cancel_at_period_end(sub_id, at);
    fake.end(sub_id, at);  fake.fail_next(status) (scripted errors);  fake.signed(event) -> (body, header).
Objects have the shape of API version 2025+ (period end on the subscription item, the invoice's
subscription under parent.subscription_details).
"""
import copy
import itertools
import threading
from http.server import ThreadingHTTPServer

from tests.fakes.stripe_billing import PERIOD, Billing  # noqa: F401 (PERIOD: tests use it)
from tests.fakes.stripe_wire import error, handler_for


class FakeStripe(Billing):
    def __init__(self, api_key="sk_test_fake", webhook_secret="whsec_test_fake", prices=()):
        self.api_key, self.webhook_secret = api_key, webhook_secret
        self.prices = set(prices)
        self.requests: list = []  # (method, path, params) of each API call
        self._lock = threading.RLock()
        self._ids = itertools.count(1)
        self._server = None
        self.reset()

    # ------------------------------------------------------------ lifecycle

    def start(self):
        self._server = ThreadingHTTPServer(("127.0.0.1", 0), handler_for(self))
        self._server.daemon_threads = True
        threading.Thread(target=self._server.serve_forever, args=(0.05,), daemon=True).start()
        return self

    def stop(self):
        self._server.shutdown()
        self._server.server_close()

    @property
    def base_url(self):
        return f"http://127.0.0.1:{self._server.server_address[1]}"

    def reset(self):
        with self._lock:
            self.requests, self.sessions, self.customers, self.subscriptions = [], {}, {}, {}
            self.events, self.portal_sessions, self._failures, self._idempotent = [], [], [], {}

    def _id(self, prefix):
        return f"{prefix}_test{next(self._ids):06d}"

    def fail_next(self, status=500, times=1):
        with self._lock:
            self._failures += [status] * times

    # ------------------------------------------------------------ the API

    def _customer(self, params) -> dict:
        customer = {"id": self._id("cus"), "object": "customer", "email": params.get("email"),
                    "metadata": params.get("metadata") or {}}
        self.customers[customer["id"]] = customer
        return customer

    def _create_session(self, params):
        items = params.get("line_items") or []
        price = items[0].get("price") if items and isinstance(items[0], dict) else None
        if params.get("mode") != "subscription":
            return error(400, "mode must be subscription in this fake", param="mode")
        if price not in self.prices:
            return error(400, f"No such price: '{price}'", code="resource_missing", param="line_items[0][price]")
        if not params.get("success_url") or not params.get("cancel_url"):
            return error(400, "Missing required param: success_url.", code="parameter_missing")
        if params.get("customer") and params["customer"] not in self.customers:
            return error(400, f"No such customer: '{params['customer']}'", code="resource_missing")
        session = {"id": self._id("cs"), "object": "checkout.session", "mode": "subscription", "status": "open",
                   "payment_status": "unpaid", "client_reference_id": params.get("client_reference_id"),
                   "customer": params.get("customer"), "subscription": None,
                   "metadata": params.get("metadata") or {}, "success_url": params["success_url"],
                   "cancel_url": params["cancel_url"], "_price": price,
                   "_subscription_data": params.get("subscription_data") or {}}
        session["url"] = f"https://checkout.stripe.test/c/pay/{session['id']}"
        self.sessions[session["id"]] = session
        return 200, {k: v for k, v in session.items() if not k.startswith("_")}

    def _portal(self, params):
        if params.get("customer") not in self.customers:
            return error(400, f"No such customer: '{params.get('customer')}'", code="resource_missing")
        portal = {"id": self._id("bps"), "object": "billing_portal.session", "customer": params["customer"],
                  "return_url": params.get("return_url"), "url": f"https://billing.stripe.test/p/session/x"}
        self.portal_sessions.append(portal)
        return 200, portal

    def _list_events(self, params):
        try:
            limit = int(params.get("limit", 10))
        except ValueError:
            return error(400, "Invalid integer: limit", param="limit")
        if not 1 <= limit <= 100:
            return error(400, "limit must be between 1 and 100", param="limit")
        types = params.get("types") or ([params["type"]] if params.get("type") else None)
        created = params.get("created") if isinstance(params.get("created"), dict) else {}
        checks = {"gte": int.__ge__, "gt": int.__gt__, "lte": int.__le__, "lt": int.__lt__}
        listed = [e for e in reversed(self.events) if (not types or e["type"] in types)
                  and all(checks[op](e["created"], int(v)) for op, v in created.items() if op in checks)]
        listed.sort(key=lambda e: -e["created"])  # newest first; stable, so later-made first within a second
        if params.get("starting_after"):
            ids = [e["id"] for e in listed]
            if params["starting_after"] not in ids:
                return error(400, f"No such event: '{params['starting_after']}'", code="resource_missing")
            listed = listed[ids.index(params["starting_after"]) + 1:]
        return 200, {"object": "list", "url": "/v1/events", "has_more": len(listed) > limit,
                     "data": copy.deepcopy(listed[:limit])}

    def handle(self, method, path, params, authorization, idempotency_key=None):
        with self._lock:
            self.requests.append((method, path, params))
            if authorization != f"Bearer {self.api_key}":
                return error(401, "Invalid API Key provided.")
            if self._failures:
                status = self._failures.pop(0)
                return error(status, "An unknown error occurred", type_="api_error")
            if method != "POST" or not idempotency_key:
                return self._route(method, path, params)
            if idempotency_key in self._idempotent:  # Stripe replays the first answer to the same key
                first_params, answer = self._idempotent[idempotency_key]
                if first_params != (path, params):
                    return error(400, "Keys for idempotent requests can only be used with the same parameters "
                                      "they were first used with.", type_="idempotency_error")
                return answer
            answer = self._route(method, path, params)
            self._idempotent[idempotency_key] = ((path, params), answer)
            return answer

    def _route(self, method, path, params):
        parts = path.strip("/").split("/")
        if parts[:1] != ["v1"]:
            return error(404, f"Unrecognized request URL ({method}: {path}).")
        segments = parts[1:] or [""]
        nested = segments[0] in ("checkout", "billing_portal")
        route, rest = ("/".join(segments[:2]), segments[2:]) if nested else (segments[0], segments[1:])
        found = {"checkout/sessions": self.sessions, "customers": self.customers,
                 "subscriptions": self.subscriptions}.get(route)
        if method == "POST" and route == "checkout/sessions" and not rest:
            return self._create_session(params)
        if method == "POST" and route == "billing_portal/sessions" and not rest:
            return self._portal(params)
        if method == "POST" and route == "customers" and not rest:
            return 200, self._customer(params)
        if method == "GET" and route == "events" and not rest:
            return self._list_events(params)
        if found is not None and len(rest) == 1:
            if rest[0] not in found:
                return error(404, f"No such {route.split('/')[-1].rstrip('s')}: '{rest[0]}'",
                             code="resource_missing")
            return 200, {k: v for k, v in found[rest[0]].items() if not k.startswith("_")}
        return error(404, f"Unrecognized request URL ({method}: {path}).")

