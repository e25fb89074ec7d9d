"""The dashboard's first meaningful paint in Chromium on loopback, and the weight of its JS and CSS.

    python bench/bench_dashboard_paint.py [--runs 10]

Serves the whole app (waitress, as `python -m app serve`) on a throwaway database with the fake Discord,
logs in through the fake's authorize page, and opens, each in a fresh browser context (cold HTTP cache):

- the login screen (nobody logged in),
- the server picker (logged in: /auth/user, /api/guilds),
- a guild's Overview by its link (stats from 200 cases and 5,000 XP rows, both charts drawn by uPlot).

"first paint" is Chromium's first-contentful-paint; "meaningful" is the frame after the screen a user came
for is in the DOM (the page's `dashboard-painted` mark). The floor is the first paint of a one-line static
page from a server of the same kind on the same loopback: what any page costs here. Target: ≤ 1,000 ms.
Then all JS and CSS under dashboard/static/, each file gzip-compressed as a server would send it: ≤ 150 KB.

Measured 2026-12-01 13:09 UTC (2 shared cores, 10 cold loads): floor 56 ms; login screen meaningful p50
137 ms (max 166); server picker 138 ms (156); guild overview with both charts 288 ms (374). JS + CSS
58.6 KB gzip (uPlot 21.5 KB of it); the shell loaded before any tab 11.4 KB.
"""
import argparse
import gzip
import statistics
import sys
from datetime import datetime, timedelta, timezone
from pathlib import Path

from _common import ROOT, throwaway_database

sys.path.insert(0, str(ROOT))

from nacl.signing import SigningKey  # noqa: E402

from sandbox.discord import FakeDiscord  # noqa: E402
from tests.browser import CHROMIUM, CHROMIUM_FLAGS, live_server  # noqa: E402
from tests.interactions import BOT_ID  # noqa: E402

STATIC = ROOT / "dashboard" / "static"
CLIENT_ID, SECRET = "100000000000000001", "bench-secret"
GUILD, OWNER, MEMBER, ROLE = "810000000000000001", "830000000000000003", "850000000000000005", "870000000000000001"
TARGET_MS, BUDGET_KB = 1000, 150
PAINTED = """() => new Promise((done) => {
  const ready = () => performance.getEntriesByName("dashboard-painted")[0];
  const fcp = () => performance.getEntriesByName("first-contentful-paint")[0];
  const tick = () => ready() && fcp() ? done({meaningful: Math.max(ready().startTime, fcp().startTime),
    fcp: fcp().startTime}) : setTimeout(tick, 5);
  tick();
})"""
FLOOR_PAGE = b"<!doctype html><html><head><meta charset=utf-8><title>floor</title></head><body><p>StatusSync</p></body></html>"


def floor_app(environ, start_response):
    start_response("200 OK", [("Content-Type", "text/html; charset=utf-8"), ("Content-Length", str(len(FLOOR_PAGE)))])
    return [FLOOR_PAGE]


def seed(url, fake):
    """A guild with history: cases and messages over 30 days, 5,000 members with XP, written through the app's SQL."""
    import psycopg2
    fake.add_guild(GUILD, OWNER, name="Bench Guild", roles=[{"id": ROLE, "name": "Mods", "position": 3}])
    fake.add_member(GUILD, BOT_ID, roles=[ROLE], bot=True)
    fake.add_member(GUILD, MEMBER)
    fake.add_user(OWNER, username="owner")
    now = datetime.now(timezone.utc)
    conn = psycopg2.connect(url)
    with conn, conn.cursor() as cur:
        for n in range(1, 201):
            cur.execute("INSERT INTO mod_cases (guild_id, case_number, action, user_id, moderator_id, reason, created_at) "
                        "VALUES (%s, %s, %s, %s, %s, %s, %s)",
                        (int(GUILD), n, ("warn", "timeout", "ban")[n % 3], int(MEMBER), int(OWNER), f"reason {n}",
                         now - timedelta(hours=n * 3)))
        cur.execute("INSERT INTO user_xp (guild_id, user_id, xp, level, message_count) "
                    "SELECT %s, 900000000000000000 + g, g * 7 %% 5000, 1, g %% 300 FROM generate_series(1, 5000) g",
                    (int(GUILD),))
        cur.execute("INSERT INTO guild_message_days (guild_id, day, messages) "
                    "SELECT %s, (%s::date - g), 400 + g * 13 %% 250 FROM generate_series(0, 29) g", (int(GUILD), now.date()))
    conn.close()


def log_in(browser, base, fake):
    context = browser.new_context()
    page = context.new_page()
    fake.sign_in_web(OWNER)
    page.goto(base + "/dashboard/")
    page.get_by_role("link", name="Log in with Discord").click()
    page.get_by_role("button", name="Authorize").click()
    page.wait_for_selector("#guild-list")
    state = context.storage_state()
    context.close()
    return state


def measure(browser, url, runs, state=None, evaluate=PAINTED):
    fcp, meaningful = [], []
    for _ in range(runs):
        context = browser.new_context(storage_state=state)  # a fresh context: nothing cached
        page = context.new_page()
        page.goto(url)
        figures = page.evaluate(evaluate)
        fcp.append(figures["fcp"])
        meaningful.append(figures.get("meaningful", figures["fcp"]))
        context.close()
    return fcp, meaningful


def timeline(browser, url, state):
    context = browser.new_context(storage_state=state)
    page = context.new_page()
    page.goto(url)
    page.evaluate(PAINTED)
    for entry in page.evaluate("performance.getEntriesByType('resource').map(e => [e.name, e.startTime, e.responseEnd])"):
        print(f"  {entry[1]:6.0f} → {entry[2]:6.0f} ms  {entry[0].split('/dashboard/', 1)[-1][:70]}")
    context.close()


def show(label, fcp, meaningful):
    print(f"{label:28} first paint p50 {statistics.median(fcp):6.0f} ms   meaningful p50 {statistics.median(meaningful):6.0f} ms"
          f"   max {max(meaningful):6.0f} ms")


def weight():
    files = sorted(p for p in STATIC.rglob("*") if p.suffix in (".js", ".css"))
    sizes = [(p.relative_to(STATIC), p.stat().st_size, len(gzip.compress(p.read_bytes(), 6))) for p in files]
    raw, packed = sum(s[1] for s in sizes), sum(s[2] for s in sizes)
    print(f"\nJS + CSS: {len(files)} files, {raw / 1024:.1f} KB raw, {packed / 1024:.1f} KB gzip "
          f"(budget {BUDGET_KB} KB); largest:")
    for name, size, zipped in sorted(sizes, key=lambda s: -s[2])[:4]:
        print(f"  {str(name):34} {size / 1024:6.1f} KB raw  {zipped / 1024:5.1f} KB gzip")
    html = (STATIC / "index.html").read_text()
    shell = {str(s[0]) for s in sizes if f'"static/{s[0]}"' in html} | {"js/app.js"}
    print(f"  the shell index.html loads before any tab ({len(shell)} files): "
          f"{sum(s[2] for s in sizes if str(s[0]) in shell) / 1024:.1f} KB gzip; tabs and uPlot load when first opened")


def main():
    import logging
    logging.getLogger("waitress").setLevel(logging.ERROR)  # "Task queue depth" lines are not figures
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=10)
    parser.add_argument("--timeline", action="store_true", help="also print when each request of one load started and ended")
    args = parser.parse_args()
    from playwright.sync_api import sync_playwright

    from app import create_app
    fake = FakeDiscord(application_id=BOT_ID, bot_token="bench-token", client_id=CLIENT_ID, client_secret=SECRET).start()
    key = SigningKey.generate()
    try:
        with throwaway_database() as url, sync_playwright() as playwright:
            seed(url, fake)
            holder = {}
            browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_FLAGS, headless=True)
            with live_server(lambda env, start: holder["app"](env, start)) as base, live_server(floor_app) as floor:
                holder["app"] = create_app({
                    "DATABASE_URL": url, "DISCORD_APPLICATION_ID": BOT_ID, "DISCORD_PUBLIC_KEY": key.verify_key.encode().hex(),
                    "DISCORD_BOT_TOKEN": "bench-token", "DISCORD_API_BASE": fake.base_url, "DISCORD_CDN_BASE": fake.cdn_url,
                    "DISCORD_WEB_BASE": fake.web_url, "DISCORD_CLIENT_ID": CLIENT_ID, "DISCORD_CLIENT_SECRET": SECRET,
                    "SECRET_KEY": "bench-secret-key", "PUBLIC_URL": base})
                state = log_in(browser, base, fake)
                measure(browser, base + "/dashboard/", 2)  # warm the server's imports and pools, not the browser
                print(f"Chromium on loopback, {args.runs} cold loads each (target: meaningful ≤ {TARGET_MS} ms)\n")
                floor_fcp, _ = measure(browser, floor + "/", args.runs, evaluate="""() => new Promise((done) => {
                  const tick = () => { const e = performance.getEntriesByName("first-contentful-paint")[0];
                    e ? done({fcp: e.startTime}) : setTimeout(tick, 5); }; tick(); })""")
                print(f"{'floor (one-line static page)':28} first paint p50 {statistics.median(floor_fcp):6.0f} ms")
                show("login screen", *measure(browser, base + "/dashboard/", args.runs))
                show("server picker", *measure(browser, base + "/dashboard/", args.runs, state))
                show("guild overview (2 charts)", *measure(browser, f"{base}/dashboard/#/guild/{GUILD}/overview", args.runs, state))
                if args.timeline:
                    timeline(browser, f"{base}/dashboard/#/guild/{GUILD}/overview", state)
                browser.close()  # before the servers stop: no connection left open for them to trip on
    finally:
        fake.stop()
    weight()


if __name__ == "__main__":
    main()
