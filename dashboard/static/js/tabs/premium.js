// Premium: this server's tier, when it renews or ends, what it uses of each limit, the tiers to buy, and for
// managers Upgrade (Stripe Checkout) and Manage billing (Stripe's portal). Stripe sends people back to this tab.
import { get, post } from "../api.js";
import { formatDate, formatNumber, h, replace } from "../dom.js";

const LIMITS = [["custom_commands", "Custom commands"], ["automod_words", "Automod words"], ["backups", "Backups kept"],
  ["ai_answers_per_day", "AI answers today"], ["level_rewards", "Level-role rewards"]];
const RETURNS = {
  success: ["ok", "Thank you — your payment went through. Premium starts as soon as Stripe confirms it (usually within a minute)."],
  canceled: ["warn", "Checkout cancelled: nothing was charged."],
  cancel: ["warn", "Checkout cancelled: nothing was charged."],
};

function returnNotice() {
  const params = new URLSearchParams(location.search);
  const shown = RETURNS[params.get("checkout")];
  if (!shown) return null;
  params.delete("checkout"); // a reload or a bookmark doesn't say it again
  const search = params.toString();
  history.replaceState(null, "", location.pathname + (search ? `?${search}` : "") + location.hash);
  return h("p", { class: `notice ${shown[0]}`, id: "checkout-notice", role: "status" }, shown[1]);
}

function limitText(value) {
  return value === null || value === undefined ? "no limit" : formatNumber(value);
}

function usageRow(name, label, entry) {
  const { used, allowed } = entry || {};
  const meter = typeof used === "number" && typeof allowed === "number" && allowed > 0
    ? h("meter", { min: "0", max: String(allowed), value: String(Math.min(used, allowed)), high: String(allowed * 0.8), "aria-label": label }) : null;
  return h("tr", { dataset: { limit: name } }, h("td", { "data-label": "Limit" }, label),
    h("td", { "data-label": "Used" }, typeof used === "number" ? formatNumber(used) : "—", " of ", limitText(allowed), " ", meter));
}

export default {
  async render(panel, ctx) {
    const notice = returnNotice();
    const [status, tiers] = await Promise.all([get("premium/status", { guild_id: ctx.guildId }), get("premium/tiers")]);
    const manage = Boolean(status.can_manage);
    const selling = Boolean(status.checkout_available);

    async function go(button, path, body) {
      button.disabled = true;
      try {
        const answer = await post(path, body, { guild_id: ctx.guildId });
        if (answer && /^https:\/\//.test(answer.url || "")) { location.assign(answer.url); return; }
        ctx.notify("Stripe gave no page to open — try again in a moment.");
      } catch (err) {
        ctx.notify(err.status === 503 ? `Stripe is unreachable just now, nothing was charged: ${err.message}` : err.message);
      }
      button.disabled = false;
    }

    const when = status.renews_at ? `Renews ${formatDate(status.renews_at)}.`
      : status.ends_at ? `Ends ${formatDate(status.ends_at)}.` : status.tier === "free" ? "No subscription." : "";
    const portal = manage && status.has_customer && selling
      ? h("button", { type: "button", id: "premium-portal" }, "Manage billing") : null;
    if (portal) portal.addEventListener("click", () => go(portal, "premium/portal", {}));
    const paid = status.tier !== "free" && status.source === "stripe";

    const cards = (tiers.tiers || []).map((tier) => {
      const current = tier.name === status.tier;
      const buy = manage && selling && tier.name !== "free" && tier.available && !current && !paid
        ? h("button", { type: "button", dataset: { tier: tier.name }, "aria-label": `Upgrade to ${tier.title}` }, "Upgrade") : null;
      if (buy) buy.addEventListener("click", () => go(buy, "premium/checkout", { tier: tier.name }));
      return h("div", { class: `card tier${current ? " current" : ""}`, dataset: { tier: tier.name } },
        h("h3", {}, tier.title, current ? h("span", { class: "badge" }, "current") : null),
        h("p", { class: "price" }, tier.price),
        h("ul", {}, LIMITS.map(([name, label]) => h("li", {}, `${label.replace(" today", " a day")}: ${limitText(tier.limits[name])}`))),
        buy || (tier.name !== "free" && !tier.available ? h("p", { class: "muted" }, "Not for sale here.") : null));
    });

    replace(panel, h("h2", {}, "Premium"), notice,
      selling ? null : h("p", { class: "notice warn", id: "premium-not-configured" },
        "Premium is not for sale on this StatusSync (Stripe is not configured), so nothing can be bought here. The limits below still apply."),
      h("div", { class: "card", id: "premium-status" },
        h("h3", {}, `This server: ${status.title}`),
        h("p", {}, when, status.status === "past_due" ? " The last payment failed; Stripe is retrying." : ""),
        h("div", { class: "table-wrap" }, h("table", { class: "responsive", id: "premium-usage" },
          h("thead", {}, h("tr", {}, h("th", { scope: "col" }, "Limit"), h("th", { scope: "col" }, "Used"))),
          h("tbody", {}, LIMITS.map(([name, label]) => usageRow(name, label, status.usage[name]))))),
        portal ? h("div", { class: "actions" }, portal) : null,
        manage ? null : h("p", { class: "muted" }, "Only server managers can upgrade or manage billing.")),
      h("div", { class: "grid tiers", id: "premium-tiers" }, cards));
  },
};
