"""The fake Stripe's billing: what Stripe does to its objects when a customer pays, a renewal succeeds or
fails, a subscription is canceled or ends, and the events it records (and sends) for each."""
import copy

from tests.fakes.stripe_wire import event_body, sign

PERIOD = 30 * 24 * 3600


class Billing:
    """Mixed into FakeStripe: needs self._lock, self._id(prefix), self.events, self.sessions,
    self.subscriptions, self._customer(params), self.webhook_secret."""

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


    def switch_price(self, sub_id, price_id, at) -> list:
        """The customer picked another tier in the portal: the item's price changes now."""
        with self._lock:
            sub = self.subscriptions[sub_id]
            item = sub["items"]["data"][0]
            previous = {"items": {"data": [{"price": dict(item["price"])}]}}
            item["price"] = {"id": price_id, "object": "price"}
            return [self.event("customer.subscription.updated", sub, at, previous)]
