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
import json
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import urlsplit

from tests.fakes.stripe_wire import decode_form, error, event_body, sign

PERIOD = 30 * 24 * 3600


class FakeStripe:
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
        self._server = ThreadingHTTPServer(("127.0.0.1", 0), _handler_for(self))
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
            self.events, self.portal_sessions, self._failures = [], [], []

    def _id(self, prefix):
        return f"{prefix}_test{next(self._ids):06d}"

    # ------------------------------------------------------------ billing, as Stripe would do it

    def event(self, type_, obj, at, previous=None) -> dict:
        event = {"id": self._id("evt"), "object": "event", "api_version": "2026-10-28.endive",
                 "created": int(at), "type": type_, "livemode": False, "pending_webhooks": 1,
                 "data": {"object": copy.deepcopy(obj)}, "request": {"id": None, "idempotency_key": None}}
        if previous:
            event["data"]["previous_attributes"] = previous
        with self._lock:
            self.events.append(event)
        return event

    def _invoice(self, sub, at, paid: bool) -> dict:
        item = sub["items"]["data"][0]
        return {"id": self._id("in"), "object": "invoice", "customer": sub["customer"], "created": int(at),
                "status": "paid" if paid else "open", "amount_due": 999, "currency": "usd",
                "parent": {"type": "subscription_details", "quote_details": None, "subscription_details": {
                    "subscription": sub["id"], "metadata": dict(sub["metadata"])}},
                "lines": {"object": "list", "has_more": False, "data": [{
                    "id": self._id("il"), "object": "line_item",
                    "period": {"start": item["current_period_start"], "end": item["current_period_end"]},
                    "pricing": {"type": "price_details", "price_details": {"price": item["price"]["id"],
                                                                           "product": "prod_test"}}}]}}

    def complete_checkout(self, session_id, at) -> list:
        """The customer paid: customer, subscription and first invoice made; three events."""
        with self._lock:
            session = self.sessions[session_id]
            customer = session.get("customer") or self._customer({"metadata": session["metadata"]})["id"]
            data = session["_subscription_data"]
            sub = {"id": self._id("sub"), "object": "subscription", "customer": customer, "status": "active",
                   "cancel_at_period_end": False, "cancel_at": None, "canceled_at": None, "ended_at": None,
                   "created": int(at), "metadata": dict(data.get("metadata") or {}),
                   "items": {"object": "list", "data": [{
                       "id": self._id("si"), "object": "subscription_item", "quantity": 1,
                       "price": {"id": session["_price"], "object": "price"},
                       "current_period_start": int(at), "current_period_end": int(at) + PERIOD}]}}
            self.subscriptions[sub["id"]] = sub
            session.update(status="complete", payment_status="paid", customer=customer, subscription=sub["id"])
            public = {k: v for k, v in session.items() if not k.startswith("_")}
            return [self.event("checkout.session.completed", public, at),
                    self.event("customer.subscription.created", sub, at),
                    self.event("invoice.paid", self._invoice(sub, at, True), at)]

    def renew(self, sub_id, at, paid=True) -> list:
        """The period ended and Stripe charged the next one: paid (active) or failed (past_due)."""
        with self._lock:
            sub = self.subscriptions[sub_id]
            item = sub["items"]["data"][0]
            if paid and sub["status"] == "past_due":  # a retry that succeeded: the same period, now paid
                pass
            else:
                item["current_period_start"] = item["current_period_end"]
                item["current_period_end"] += PERIOD
            previous = {"status": sub["status"]}
            sub["status"] = "active" if paid else "past_due"
            invoice = self.event("invoice.paid" if paid else "invoice.payment_failed",
                                 self._invoice(sub, at, paid), at)
            return [invoice, self.event("customer.subscription.updated", sub, at, previous)]

    def cancel_at_period_end(self, sub_id, at, cancel=True) -> list:
        with self._lock:
            sub = self.subscriptions[sub_id]
            sub.update(cancel_at_period_end=cancel, canceled_at=int(at) if cancel else None)
            return [self.event("customer.subscription.updated", sub, at, {"cancel_at_period_end": not cancel})]

    def end(self, sub_id, at) -> list:
        with self._lock:
            sub = self.subscriptions[sub_id]
            sub.update(status="canceled", ended_at=int(at), canceled_at=sub["canceled_at"] or int(at))
            return [self.event("customer.subscription.deleted", sub, at)]

    def signed(self, event, secret=None, timestamp=None) -> tuple:
        body = event_body(event)
        return body, sign(body, secret or self.webhook_secret, timestamp)

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

    def handle(self, method, path, params, authorization):
        with self._lock:
            self.requests.append((method, path, params))
            if authorization != f"Bearer {self.api_key}":
                return error(401, "Invalid API Key provided.")
            if self._failures:
                status = self._failures.pop(0)
                return error(status, "An unknown error occurred", type_="api_error")
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


def _handler_for(fake: FakeStripe):
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def log_message(self, *args):
            pass

        def _answer(self):
            url = urlsplit(self.path)
            length = int(self.headers.get("Content-Length") or 0)
            body = self.rfile.read(length).decode() if length else ""
            try:
                params = decode_form(url.query if self.command in ("GET", "DELETE") else body)
                status, answer = fake.handle(self.command, url.path, params, self.headers.get("Authorization"))
            except ValueError as exc:
                status, answer = error(400, str(exc))
            data = json.dumps(answer).encode()
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(data)))
            self.send_header("Request-Id", f"req_{time.monotonic_ns()}")
            self.end_headers()
            self.wfile.write(data)

        do_GET = do_POST = do_DELETE = _answer
    return Handler
