"""The dashboard in Debian's Chromium: the whole login through the fake Discord's authorize page, the tabs
against the real API, hostile text shown inert, keyboard, phone, light and dark, and the size budget.

Data is seeded the way it arrives in production: moderation cases by signed /warn and /case interactions,
messages by the scan job over the fake Discord's channels, settings by /config and by the dashboard itself.
"""
import gzip
import re
from pathlib import Path
from types import SimpleNamespace

import pytest

from tests import interactions as ix
from tests.browser import browser, live_server, page, screenshot  # noqa: F401  (fixtures)
from tests.dashboard_support import grant_read_access, log_in_browser as log_in
from tests.dashboard_support import (  # noqa: F401  (fixtures)
    GUILD, MANAGER, MANAGER_ROLE, MEMBER, OTHER_GUILD, OWNER, READ_ROLE, READER, clock, dash_discord, dash_settings)

STATIC = Path(__file__).resolve().parents[1] / "dashboard" / "static"
CHANNEL = "880000000000000001"
HOSTILE = '<script>window.__pwned = 1</script><img src="x" onerror="window.__pwned = 2">'
MODERATE = 1 << 40
BUDGET_GZIP = 150 * 1024


@pytest.fixture
def site(dash_settings, dash_discord, signing_key):
    """The app on a loopback port, with PUBLIC_URL its own address (so the OAuth2 redirect comes back here)."""
    from app import create_app
    holder = {}

    def wsgi(environ, start_response):
        return holder["app"](environ, start_response)

    with live_server(wsgi) as base:
        holder["app"] = create_app({**dash_settings, "PUBLIC_URL": base})
        dash_discord.add_channel(GUILD, CHANNEL, name="general")
        dash_discord.add_member(GUILD, ix.BOT_ID, roles=[MANAGER_ROLE], bot=True)  # above the members it warns
        discord = ix.DiscordSide(holder["app"].test_client(), signing_key, dash_discord)
        yield SimpleNamespace(url=base, app=holder["app"], fake=dash_discord, discord=discord,
                              runtime=holder["app"].extensions["statussync"])


def watch(page):
    """Everything the page does that a user would call a bug: script errors, CSP refusals, dialogs, and
    requests to another origin than the dashboard's."""
    seen = SimpleNamespace(errors=[], dialogs=[], requests=[])
    page.on("pageerror", lambda error: seen.errors.append(str(error)))
    # Chromium logs every 4xx it fetched as a console error; the page's own answers to those are tested
    # where they happen, so only other console errors (CSP refusals, script errors) count here.
    page.on("console", lambda message: message.type == "error" and not message.text.startswith("Failed to load resource")
            and seen.errors.append(message.text))
    page.on("response", lambda response: response.status >= 500 and seen.errors.append(f"{response.status} {response.url}"))
    page.on("dialog", lambda dialog: (seen.dialogs.append(dialog.message), dialog.dismiss()))
    page.on("request", lambda request: seen.requests.append((request.resource_type, request.url)))
    return seen


def open_guild(page, name="Test Guild"):
    page.get_by_role("link", name=re.compile(name)).click()
    page.wait_for_selector("#stats")


def open_tab(page, title, state="ready"):
    tab = page.get_by_role("tab", name=title)
    tab.click()
    page.wait_for_selector(f"#tab-panel[data-tab='{tab.get_attribute('data-tab')}'][data-state='{state}']")


def warn(site, reason, target=MEMBER):
    user = site.fake.add_user(target)
    answer = site.discord.command("warn", [ix.opt("user", target, 6), ix.opt("reason", reason)], user_id=MANAGER,
                                  roles=[MANAGER_ROLE], permissions=MODERATE, resolved={"users": {target: user}})
    assert "can't" not in (answer.get("data", {}).get("content") or ""), answer
    return answer


def scan_messages(site, count):
    """Members talk in #general and the scan job reads it (the first scan only sets the starting point)."""
    from app.jobs.scan import scan
    scan(site.runtime)
    for n in range(count):
        site.fake.add_message(CHANNEL, site.fake.next_snowflake(), MEMBER, f"hello {n}")
    scan(site.runtime)


def same_origin_only(seen, base):
    foreign = [(kind, url) for kind, url in seen.requests if not url.startswith(base) and kind != "document"]
    assert foreign == [], foreign


def test_login_pick_a_server_read_stats_change_a_setting_and_find_it_after_reload_and_in_the_change_log(page, site):
    warn(site, "spamming links")
    warn(site, "still spamming")
    scan_messages(site, 3)
    seen = watch(page)
    page.goto(site.url + "/dashboard/")
    page.wait_for_selector("#login-screen")
    screenshot(page, "dashboard-login")
    log_in(page, site, OWNER)
    assert page.locator("#user-name").inner_text() == "owner"
    screenshot(page, "dashboard-picker")
    open_guild(page)
    assert page.locator("#stat-cases .value").inner_text() == "2"
    assert page.locator("#stat-cases-period .value").inner_text() == "2"
    assert page.locator("#stat-messages .value").inner_text() == "3"
    page.wait_for_selector(".uplot canvas")  # the cases chart is drawn by the vendored uPlot
    assert page.locator("#top-members tbody tr").first.inner_text().find(MEMBER) >= 0

    open_tab(page, "Settings")
    form = page.locator("form[data-section='rep']")
    form.get_by_label("Cooldown hours", exact=True).fill("12")
    form.get_by_role("button", name="Save").click()
    page.wait_for_selector("form[data-section='rep'] .form-status.ok")
    page.reload()
    page.wait_for_selector("form[data-section='rep']")
    assert page.locator("form[data-section='rep']").get_by_label("Cooldown hours", exact=True).input_value() == "12"

    open_tab(page, "Change log")
    row = page.locator("#changes tbody tr").first
    assert "rep.cooldown_hours" in row.inner_text() and "24" in row.inner_text() and "12" in row.inner_text()
    assert "dashboard" in row.inner_text() and OWNER in row.inner_text()
    assert seen.errors == [] and seen.dialogs == []
    same_origin_only(seen, site.url)


def test_a_server_you_manage_without_the_bot_is_offered_with_discords_invite_link(page, site):
    bare = "815000000000000001"
    site.fake.add_guild(bare, OWNER, name="Bare <Server>")
    with site.fake._lock:  # the fake has no "bot leaves" call; the bot was never in this one
        del site.fake._guilds[bare]["members"][site.fake.application_id]
    log_in(page, site, OWNER)
    offered = page.locator("#invitable")
    assert "Bare <Server>" in offered.inner_text() and "Bare" not in page.locator("#guild-list").inner_text()
    link = offered.get_by_role("link", name="Invite StatusSync to Bare <Server>")
    href = link.get_attribute("href")
    assert href.startswith(site.fake.web_url + "/oauth2/authorize?") and f"guild_id={bare}" in href
    screenshot(page, "dashboard-picker-invite")


def test_a_config_command_change_shows_in_the_change_log_as_from_config(page, site):
    site.discord.command("config", [ix.sub("rep", ix.opt("cooldown_hours", 6, 4))], user_id=MANAGER,
                         permissions=ix.MANAGE_GUILD)
    site.discord.command("config", [ix.sub("xp", ix.opt("enabled", False, 5))], user_id=MANAGER,
                         permissions=ix.MANAGE_GUILD)
    log_in(page, site, OWNER)
    page.goto(site.url + f"/dashboard/#/guild/{GUILD}/changes")
    page.wait_for_selector("#changes")
    rows = page.locator("#changes tbody tr")
    assert rows.count() == 2 and "xp.enabled" in rows.first.inner_text()
    page.get_by_label("Show").select_option("rep")
    page.wait_for_selector("#changes tbody tr:only-child")
    row = rows.first.inner_text()
    assert "rep.cooldown_hours" in row and "/config" in row and MANAGER in row and "24" in row and "6" in row


def test_a_server_you_cannot_manage_is_refused_in_plain_words(page, site):
    log_in(page, site, OWNER)
    page.goto(site.url + f"/dashboard/#/guild/{OTHER_GUILD}/overview")
    page.wait_for_selector("#notice .notice.error")
    assert "don't have access to that server" in page.locator("#notice").inner_text()
    page.wait_for_selector("#guild-list")
    assert "Other Guild" not in page.locator("#guild-list").inner_text()


def test_a_case_reason_with_script_is_shown_as_text_and_never_runs(page, site):
    warn(site, HOSTILE)
    site.discord.command("case", [ix.sub("reason", ix.opt("number", 1, 4), ix.opt("text", HOSTILE + " (edited)"))],
                         user_id=MANAGER, roles=[MANAGER_ROLE], permissions=MODERATE)
    seen = watch(page)
    log_in(page, site, OWNER)
    page.goto(site.url + f"/dashboard/#/guild/{GUILD}/moderation")
    page.wait_for_selector("#cases")
    assert page.locator("#cases td.reason").first.inner_text() == HOSTILE + " (edited)"
    page.get_by_role("button", name="Open case 1").click()
    page.wait_for_selector("#reason-history")
    assert HOSTILE in page.locator("#reason-history").inner_text()
    assert page.evaluate("window.__pwned") is None
    assert page.locator("#main script, #main img[src='x']").count() == 0
    assert seen.dialogs == []
    screenshot(page, "dashboard-moderation-hostile-reason")


def test_a_case_reason_reworded_in_the_dashboard_keeps_the_old_one_in_its_history(page, site):
    warn(site, "first words")
    log_in(page, site, OWNER)
    page.goto(site.url + f"/dashboard/#/guild/{GUILD}/moderation")
    page.get_by_role("button", name="Open case 1").click()
    page.get_by_text("Change the reason").click()
    page.get_by_label("New reason").fill("better words")
    page.get_by_role("button", name="Save reason").click()
    page.wait_for_selector("#reason-history")
    entry = page.locator("#reason-history li").inner_text()
    assert "first words" in entry and "better words" in entry and OWNER in entry
    assert page.locator("#case-reason").inner_text() == "better words"
    page.wait_for_selector("#cases td.reason:text('better words')")  # and the list shows it


def test_escalation_steps_are_edited_as_rows_and_checked_like_config(page, site):
    log_in(page, site, OWNER)
    page.goto(site.url + f"/dashboard/#/guild/{GUILD}/moderation")
    page.wait_for_selector("#escalation")
    page.get_by_role("button", name="Add a step").click()
    page.get_by_label("Warnings for step 1").fill("3")
    page.get_by_label("Within days for step 1").fill("30")
    page.get_by_label("Action for step 1").select_option("timeout")
    page.get_by_role("button", name="Save escalation").click()
    page.wait_for_selector("#escalation .notice.error")  # a timeout needs a duration: the server says so
    assert "duration" in page.locator("#escalation .notice.error").inner_text().lower()
    page.get_by_label("Duration for step 1").fill("1h")
    page.get_by_role("button", name="Save escalation").click()
    page.wait_for_selector("#escalation .notice.ok")
    open_tab(page, "Settings")  # the same setting, seen from the Settings tab
    assert page.get_by_label("Warnings for step 1").input_value() == "3"
    assert page.get_by_label("Duration for step 1").input_value() == "1h"


def test_cases_filter_by_type_and_page(page, site):
    for n in range(30):
        warn(site, f"warning {n}")
    log_in(page, site, OWNER)
    page.goto(site.url + f"/dashboard/#/guild/{GUILD}/moderation")
    page.wait_for_selector("#cases")
    assert page.locator("#cases tbody tr").count() == 25
    assert page.locator("#cases tbody tr").first.inner_text().startswith("#30")
    page.get_by_role("button", name="Older").click()
    page.wait_for_selector("#case-page:text('Page 2')")
    assert page.locator("#cases tbody tr").count() == 5
    page.get_by_label("Type").select_option("ban")
    page.get_by_role("button", name="Filter").click()
    page.wait_for_selector("#case-results .empty")
    page.get_by_role("button", name="Clear").click()
    warn(site, "someone else", target=READER)
    page.get_by_role("button", name="Filter").click()
    page.get_by_role("button", name="Open case 31").click()
    page.get_by_role("button", name="All cases of this member").click()
    page.wait_for_selector("#cases tbody tr:only-child")
    assert READER in page.locator("#cases tbody tr").inner_text()


def test_automod_rules_and_words_saved_in_the_editor_are_what_the_live_tester_runs(page, site):
    log_in(page, site, OWNER)
    page.goto(site.url + f"/dashboard/#/guild/{GUILD}/automod")
    page.wait_for_selector("#tab-panel[data-state='ready']")
    tester = page.locator("#automod-test-text")
    tester.fill("THIS IS ALL CAPS SHOUTING")
    page.wait_for_selector("#automod-verdict .verdict.clean")  # no rule is on yet
    caps = page.locator("form[data-rule='caps']")
    caps.get_by_label("Rule on").check()
    caps.get_by_text("Exemptions").click()
    caps.get_by_label("Exempt roles").select_option(label="@Readers")  # picked from the server's roles
    caps.get_by_role("button", name="Save rule").click()
    page.wait_for_selector("form[data-rule='caps'] .notice.ok")
    words = page.locator("form[data-list='words']")
    words.locator("textarea").fill("frobnicate\nwidget*")
    words.get_by_role("button", name="Save list").click()
    page.wait_for_selector("form[data-list='words'] .notice.ok")
    bad_words = page.locator("form[data-rule='bad_words']")
    bad_words.get_by_label("Rule on").check()
    bad_words.get_by_role("button", name="Save rule").click()
    page.wait_for_selector("form[data-rule='bad_words'] .notice.ok")
    assert any(rule["trigger_type"] == 1 for rule in site.fake.automod_rules(GUILD))  # pushed to Discord's AutoMod

    tester.fill("THIS IS ALL CAPS SHOUTING")
    page.wait_for_selector("#automod-verdict .verdict.hit")
    assert "caps" in page.locator("#automod-verdict p.verdict").inner_text()
    tester.fill("my widgets are fine")
    page.wait_for_selector("#automod-verdict p.verdict:text('bad_words')")
    page.reload()
    page.wait_for_selector("#tab-panel[data-state='ready']")
    assert page.locator("form[data-rule='caps']").get_by_label("Rule on").is_checked()
    exempt = page.locator("form[data-rule='caps']").get_by_label("Exempt roles")
    assert exempt.evaluate("el => Array.from(el.selectedOptions, o => o.value)") == [READ_ROLE]
    assert page.locator("form[data-list='words'] textarea").input_value().split("\n") == ["frobnicate", "widget*"]


def test_a_custom_command_previews_as_you_type_and_is_registered_on_save(page, site):
    log_in(page, site, OWNER)
    page.goto(site.url + f"/dashboard/#/guild/{GUILD}/custom")
    page.wait_for_selector("#tab-panel[data-state='ready']")
    page.get_by_label("Name").fill("hello")
    page.get_by_label("Description").fill("Say hello")
    page.get_by_label("Response template").fill("Hi {{ user.name }}, <b>welcome</b>!")
    page.wait_for_selector("#cc-preview:text('Hi you')")
    assert page.locator("#cc-preview").inner_text() == "Hi you, <b>welcome</b>!"  # shown as text, not markup
    page.get_by_label("Response template").fill("{{ nope(")
    page.wait_for_selector("#cc-preview.error")
    page.get_by_text("Options, privacy, cooldown").click()
    page.get_by_role("button", name="Add an option").click()
    page.get_by_label("Option name for option 1").fill("member")
    page.get_by_label("Type for option 1").select_option(label="user")
    page.get_by_label("Option description for option 1").fill("Who to greet")
    page.get_by_label("Response template").fill("Hi {{ args.member.mention }}!")
    page.wait_for_selector("#cc-preview:text('Hi <@1>!')")  # the preview's sample member
    page.get_by_role("button", name="Save command").click()
    page.wait_for_selector("#cc-status.notice.ok")
    assert "/hello" in page.locator("#cc-table").inner_text()
    [registered] = site.fake.commands(GUILD)
    assert registered["name"] == "hello" and registered["options"][0]["name"] == "member"
    assert registered["options"][0]["type"] == 6 and registered["options"][0]["required"] is True
    open_tab(page, "Change log")
    page.get_by_label("Show").select_option("custom")
    page.wait_for_selector("#changes tbody tr:only-child")
    assert "custom command /hello" in page.locator("#changes tbody tr").inner_text()


def test_leveling_shows_the_leaderboard_and_edits_level_roles(page, site):
    scan_messages(site, 4)  # XP comes from the messages the scan reads
    log_in(page, site, OWNER)
    page.goto(site.url + f"/dashboard/#/guild/{GUILD}/leveling")
    page.wait_for_selector("#leaderboard-table")
    assert MEMBER in page.locator("#leaderboard-table tbody tr").first.inner_text()
    page.get_by_role("button", name="All time").click()
    page.wait_for_selector("button[data-period='all'][aria-pressed='true']")
    assert MEMBER in page.locator("#leaderboard-table tbody tr").first.inner_text()
    page.get_by_role("button", name="Add a level role").click()
    page.get_by_label("Level for reward 1").fill("5")
    page.get_by_label("Role for reward 1").select_option(label="@Editors")
    page.get_by_role("button", name="Save level roles").click()
    page.wait_for_selector("#level-roles .notice.ok")
    page.reload()
    page.wait_for_selector("#level-roles")
    assert page.get_by_label("Level for reward 1").input_value() == "5"
    assert page.get_by_label("Role for reward 1").evaluate("el => el.selectedOptions[0].textContent") == "@Editors"


def test_the_ai_tab_says_when_no_provider_is_configured_and_shows_the_tiers_limits(page, site):
    log_in(page, site, OWNER)
    page.goto(site.url + f"/dashboard/#/guild/{GUILD}/ai")
    page.wait_for_selector("#tab-panel[data-state='ready']")
    assert "No AI provider is configured" in page.locator("#ai-not-configured").inner_text()
    stats = page.locator("#ai-stats").inner_text()
    assert "answers today" in stats and "answers a day (this server's tier)" in stats
    form = page.locator("form[data-section='ai']")
    form.get_by_label("System prompt").fill("Answer like a pirate.")
    form.get_by_role("button", name="Save").click()
    page.wait_for_selector("form[data-section='ai'] .form-status.ok")


def test_cancel_on_discords_page_says_the_login_was_cancelled(page, site):
    site.fake.sign_in_web(OWNER)
    page.goto(site.url + "/dashboard/")
    page.get_by_role("link", name="Log in with Discord").click()
    page.wait_for_url(site.fake.web_url + "/oauth2/authorize*")
    page.get_by_role("button", name="Cancel").click()
    page.wait_for_url(site.url + "/dashboard/auth/callback*")
    assert "cancelled the login" in page.locator("main").inner_text()
    screenshot(page, "dashboard-access-denied")
    page.get_by_role("link", name="Back to the dashboard").click()
    page.wait_for_selector("#login-screen")


def test_an_expired_session_sends_you_to_log_in_again(page, site):
    log_in(page, site, OWNER)
    open_guild(page)
    page.request.get(site.url + "/dashboard/auth/logout")  # the session ends on the server (another tab)
    page.get_by_role("tab", name="Moderation").click()
    page.wait_for_selector("#login-message")
    assert page.locator("#login-message").inner_text() == "Your session expired — log in again."


def test_a_save_after_the_session_expired_keeps_the_form_and_the_login_comes_back_to_it(page, site):
    log_in(page, site, OWNER)
    page.goto(site.url + f"/dashboard/#/guild/{GUILD}/settings")
    page.wait_for_selector("#tab-panel[data-state='ready']")
    page.request.get(site.url + "/dashboard/auth/logout")
    form = page.locator("form[data-section='rep']")
    form.get_by_label("Cooldown hours", exact=True).fill("30")
    form.get_by_role("button", name="Save").click()
    page.wait_for_selector("#notice .notice.error")
    assert "Your session expired" in page.locator("#notice").inner_text()
    assert form.get_by_label("Cooldown hours", exact=True).input_value() == "30"  # nothing typed is lost
    page.locator("#notice").get_by_role("link", name="Log in again").click()
    page.get_by_role("button", name="Authorize").click()
    page.wait_for_url(re.compile(r".*/dashboard/#/guild/\d+/settings$"))
    page.wait_for_selector("#tab-panel[data-tab='settings'][data-state='ready']")
    assert page.locator("form[data-section='rep']").get_by_label("Cooldown hours", exact=True).input_value() == "24"


def test_tabs_work_from_the_keyboard(page, site):
    log_in(page, site, OWNER)
    open_guild(page)
    overview = page.get_by_role("tab", name="Overview")
    overview.focus()
    page.keyboard.press("ArrowRight")
    assert page.evaluate("document.activeElement.id") == "tab-moderation"
    page.wait_for_selector("#cases, #case-results .empty")
    assert page.get_by_role("tab", name="Moderation").get_attribute("aria-selected") == "true"
    assert overview.get_attribute("aria-selected") == "false" and overview.get_attribute("tabindex") == "-1"
    assert page.url.endswith(f"#/guild/{GUILD}/moderation")
    page.keyboard.press("End")
    assert page.evaluate("document.activeElement.id") == "tab-settings"
    page.keyboard.press("ArrowRight")  # wraps around
    assert page.evaluate("document.activeElement.id") == "tab-overview"
    page.wait_for_selector("#tab-panel[data-tab='overview'][data-state='ready']")
    page.keyboard.press("Tab")  # one tab stop for the whole strip: Tab goes into the panel
    focused = page.evaluate("[document.activeElement.id, document.activeElement.tagName, getComputedStyle(document.activeElement).outlineStyle]")
    assert focused[0] == "tab-panel" and focused[2] != "none", focused  # and the focus is visible


def test_a_read_only_role_sees_the_settings_but_cannot_change_them(browser, site):  # noqa: F811
    warn(site, "a case to look at")
    owner = browser.new_context(viewport={"width": 1280, "height": 800})
    reader = browser.new_context(viewport={"width": 1280, "height": 800})
    try:
        page = owner.new_page()
        log_in(page, site, OWNER)
        grant_read_access(page, site.url)
        granted = page.locator("#access-table tbody tr").inner_text()
        assert "Readers" in granted and OWNER in granted and "not saved yet" not in granted  # as the server stored it
        screenshot(page, "dashboard-access-granted")

        page = reader.new_page()
        log_in(page, site, READER)
        assert "read-only" in page.locator("#guild-list").inner_text()
        page.goto(site.url + f"/dashboard/#/guild/{GUILD}/settings")
        page.wait_for_selector("form[data-section='rep']")
        assert page.locator("form[data-section='rep'] button[type=submit]").is_disabled()
        assert "read-only access" in page.locator("#read-only").inner_text()
        assert "Read-only access" in page.locator("form[data-section='rep']").inner_text()
        open_tab(page, "Moderation")
        page.get_by_role("button", name="Open case 1").click()
        page.wait_for_selector("#case-heading")
        assert page.get_by_text("Change the reason").count() == 0
        open_tab(page, "Access", state="error")
        assert "don't have access" in page.locator("#tab-panel .notice.error").inner_text()
    finally:
        owner.close()
        reader.close()


def test_on_a_phone_nothing_overflows_and_every_tab_is_reachable(browser, site):  # noqa: F811
    warn(site, "a reason long enough to wrap on a narrow screen, and then some more words to be sure")
    context = browser.new_context(viewport={"width": 390, "height": 844}, is_mobile=True, has_touch=True)
    try:
        page = context.new_page()
        log_in(page, site, OWNER)
        open_guild(page)
        for tab in page.locator("[role=tab]").all_inner_texts():
            open_tab(page, tab)
            wide = page.evaluate("[document.documentElement.scrollWidth, window.innerWidth]")
            assert wide[0] <= wide[1], (tab, wide)
            screenshot(page, f"dashboard-phone-{page.get_by_role('tab', name=tab).get_attribute('data-tab')}")
        strip = page.locator("[role=tablist]")
        assert strip.evaluate("el => el.scrollWidth > el.clientWidth")  # the strip scrolls, the page doesn't
        page.get_by_role("tab", name="Change log").click()
        assert page.get_by_role("tab", name="Change log").is_visible()
    finally:
        context.close()


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_every_tab_in_light_and_dark(browser, site, scheme):  # noqa: F811
    warn(site, "first warning")
    scan_messages(site, 2)
    context = browser.new_context(viewport={"width": 1280, "height": 800}, color_scheme=scheme)
    try:
        page = context.new_page()
        seen = watch(page)
        log_in(page, site, OWNER)
        open_guild(page)
        background = page.evaluate("getComputedStyle(document.body).backgroundColor")
        assert (background == "rgb(20, 22, 29)") == (scheme == "dark"), background
        titles = page.locator("[role=tab]").all_inner_texts()
        assert titles[:3] == ["Overview", "Moderation", "Automod"] and "Change log" in titles
        for title in titles:
            open_tab(page, title)
            assert page.locator("#tab-panel .notice.error").count() == 0, title
            tab_id = page.get_by_role("tab", name=title).get_attribute("data-tab")
            screenshot(page, f"dashboard-{tab_id}-{scheme}")
        assert seen.errors == [] and seen.dialogs == []
        same_origin_only(seen, site.url)
    finally:
        context.close()


def test_the_theme_toggle_switches_and_is_remembered(page, site):
    log_in(page, site, OWNER)
    toggle = page.get_by_role("button", name="Dark theme")
    assert toggle.get_attribute("aria-pressed") == "false"
    toggle.click()
    assert page.evaluate("document.documentElement.dataset.theme") == "dark"
    assert page.evaluate("getComputedStyle(document.body).backgroundColor") == "rgb(20, 22, 29)"
    page.reload()
    page.wait_for_selector("#guild-list")
    assert page.get_by_role("button", name="Dark theme").get_attribute("aria-pressed") == "true"


def test_all_javascript_and_css_fit_the_150_kb_compressed_budget():
    files = [p for p in STATIC.rglob("*") if p.suffix in (".js", ".css")]
    assert any(p.name == "uPlot.iife.min.js" for p in files) and any(p.name == "app.js" for p in files)
    compressed = sum(len(gzip.compress(p.read_bytes(), 6)) for p in files)
    assert compressed <= BUDGET_GZIP, f"{compressed / 1024:.1f} KB gzip"


def test_the_page_has_no_inline_script_style_or_handler_and_loads_nothing_from_elsewhere():
    html = (STATIC / "index.html").read_text()
    assert re.findall(r"<script(?![^>]*\bsrc=)", html) == []
    assert "<style" not in html and " style=" not in html and not re.search(r"\son[a-z]+=", html)
    for path in [STATIC / "index.html", *STATIC.rglob("*.js"), *STATIC.rglob("*.css")]:
        text = path.read_text()
        if path.name.startswith("uPlot"):
            text = text.split("*/", 1)[1]  # its licence line names its home page
        assert not re.search(r"""(src|href|url)\s*[=(]\s*["']?(https?:)?//""", text), path
        assert "innerHTML" not in text or path.name.startswith("uPlot"), path


def test_every_api_call_the_page_makes_is_in_the_openapi_description(app):
    """The front end and the server agree: each route (and method) the JS names is one the API documents."""
    paths = app.test_client().get("/dashboard/api/openapi.json").get_json()["paths"]
    documented = {re.sub(r"\{[^}]+\}", "{}", path): {m.upper() for m in ops} for path, ops in paths.items()}
    called = set()
    for path in STATIC.rglob("*.js"):
        if path.parent.name == "vendor":
            continue
        text = path.read_text()
        for method, route in re.findall(r"""\b(get|post|request)?\(?\s*[`"]((?:api|auth)/[^"`?]*)[`"]""", text):
            route = "/dashboard/" + re.sub(r"\$\{[^}]+\}", "{}", route)
            called.add((method, route))
            if route.startswith("/dashboard/auth/"):
                continue  # login pages and /auth/user are the auth blueprint's, outside /dashboard/api/
            matching = [doc for doc in documented if route == doc or
                        re.fullmatch(re.escape(doc).replace(r"\{\}", "[^/]+"), route)]
            assert matching, f"{path.name} calls {route}, which the OpenAPI description lacks"
            if method in ("get", "post"):
                assert any(method.upper() in documented[doc] for doc in matching), f"{path.name}: {method.upper()} {route}"
    assert len(called) >= 20 and ("", "/dashboard/api/channels") in called  # the scan itself found the calls


def test_every_module_the_shell_imports_is_preloaded_by_the_page():
    """The first screen waits on no chain of imports: index.html names every module app.js pulls in."""
    html = (STATIC / "index.html").read_text()
    seen, todo = set(), [STATIC / "js" / "app.js"]
    while todo:
        module = todo.pop()
        for name in re.findall(r'^import [^;]+ from "(\./[^"]+)";', module.read_text(), re.M):
            target = (module.parent / name).resolve()
            if target not in seen:
                seen.add(target)
                todo.append(target)
    missing = [str(p.relative_to(STATIC)) for p in seen if f'href="static/{p.relative_to(STATIC)}"' not in html]
    assert len(seen) >= 6 and missing == [], missing
