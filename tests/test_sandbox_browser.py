"""Issue 14's proof, in Chromium: open /sandbox, warn a member as the moderator, see the case in the reply and
in #mod-log, page through /cases with its button, post an ALL-CAPS message, run the scan and see it removed,
run /rank and see the card. Screenshots under .test-output/screenshots/sandbox-*.png."""
import requests
from playwright.sync_api import expect

from sandbox.demo import MODERATOR_ID
from tests.browser import browser, live_server, page, screenshot  # noqa: F401
from tests.sandbox_app import sandbox_app, sandbox_server  # noqa: F401

BOB, ALICE = "720000000000000044", "720000000000000043"


def choose_command(page, name, sub=None):
    page.select_option("#command", name)
    if sub:
        page.select_option("#subcommand", label=sub)


def test_the_sandbox_walkthrough(page, sandbox_server):
    base, simulator = sandbox_server
    problems = []
    page.on("console", lambda message: problems.append(message.text) if message.type == "error" else None)
    page.on("pageerror", lambda error: problems.append(str(error)))
    page.on("response", lambda response: problems.append(f"{response.status} {response.url}") if response.status >= 400 else None)
    page.goto(base + "/sandbox")
    expect(page.locator("body")).to_have_attribute("data-ready", "true")
    expect(page.locator("#who")).to_have_value(MODERATOR_ID)
    expect(page.locator("#guild-name")).to_have_text("StatusSync Sandbox")
    screenshot(page, "sandbox-1-open")

    # /warn Bob as Max the moderator: the reply names the case
    choose_command(page, "warn")
    page.select_option("[data-option=user]", BOB)
    page.fill("[data-option=reason]", "posting invite links")
    page.click("#send-command")
    reply = page.locator(".message", has=page.locator(".used", has_text="used /warn")).last
    expect(reply.locator(".embed-title")).to_contain_text("Case #1")
    expect(reply.locator(".embed-description")).to_contain_text("@Bob")
    expect(reply.locator(".ephemeral-note")).to_be_visible()
    screenshot(page, "sandbox-2-warn")

    # ... and the mod-log channel has it
    page.click("[data-channel='720000000000000035']")
    expect(page.locator("#channel-name")).to_have_text("# mod-log")
    entry = page.locator(".message .embed").filter(has_text="Case #1")
    expect(entry).to_be_visible()
    expect(entry).to_contain_text("posting invite links")
    screenshot(page, "sandbox-3-modlog")

    # eleven more cases (through the same signed path the page uses), so /cases has a second page
    for number in range(11):
        answer = requests.post(base + "/sandbox/api/commands", json={
            "as": MODERATOR_ID, "channel_id": simulator.demo.general_id, "name": "warn",
            "options": {"user": ALICE, "reason": f"warning {number + 2}"}}, timeout=10).json()
        assert answer["type"] == 4, answer
    page.click("[data-channel='720000000000000032']")
    choose_command(page, "cases")
    page.click("#send-command")
    listing = page.locator(".message", has=page.locator(".used", has_text="used /cases")).last
    expect(listing.locator(".embed-footer")).to_have_text("Page 1 of 2")
    listing.locator("button.component", has_text="Next").click()
    expect(listing.locator(".embed-footer")).to_have_text("Page 2 of 2")
    expect(listing.locator(".embed")).to_contain_text("#1")
    screenshot(page, "sandbox-4-cases-page-2")

    # Alice shouts; the scan removes it
    page.select_option("#who", ALICE)
    page.fill("#message-text", "WHY IS NOBODY ANSWERING ME IN THIS CHANNEL")
    page.click("#say")
    shout = page.locator(".message .content", has_text="WHY IS NOBODY ANSWERING")
    expect(shout).to_be_visible()
    screenshot(page, "sandbox-5-caps-posted")
    page.click("#run-scan")
    expect(page.locator("#job-result")).to_contain_text("1 flagged")
    expect(shout).to_have_count(0)
    screenshot(page, "sandbox-6-caps-removed")

    # /rank: deferred, then the card fills in
    choose_command(page, "rank")
    page.click("#send-command")
    card = page.locator(".message", has=page.locator(".used", has_text="used /rank")).last
    expect(card.locator("img.attachment")).to_be_visible(timeout=15000)
    expect(card.locator(".content")).to_contain_text("level")
    assert card.locator("img.attachment").evaluate("img => img.naturalWidth") > 100
    screenshot(page, "sandbox-7-rank-card")
    assert problems == []  # no script error, nothing the page's Content-Security-Policy blocked


def test_a_modal_opens_submits_and_its_custom_command_is_runnable_at_once(page, sandbox_server):
    base, simulator = sandbox_server
    page.goto(base + "/sandbox")
    expect(page.locator("body")).to_have_attribute("data-ready", "true")
    page.select_option("#who", simulator.demo.owner_id)
    choose_command(page, "cc", sub="add")
    page.fill("[data-option=name]", "greet")
    page.click("#send-command")  # no response given: the bot asks for the template in a modal
    dialog = page.locator("#modal")
    expect(dialog).to_be_visible()
    expect(page.locator("#modal-title")).to_have_text("New command /greet")
    dialog.locator("textarea").first.fill("Welcome, <b>{{ user.name }}</b>!")
    page.click("#modal-submit")
    expect(page.locator(".message .content", has_text="/greet").last).to_be_visible()
    expect(page.locator("#command option[value=greet]")).to_have_count(1)  # registered as a guild command
    page.select_option("#who", ALICE)
    choose_command(page, "greet")
    page.click("#send-command")
    said = page.locator(".message", has=page.locator(".used", has_text="used /greet")).last.locator(".content")
    expect(said).to_contain_text("Welcome, <b>")  # the template's markup is text, not HTML
    assert said.locator("b").count() == 0
    screenshot(page, "sandbox-8-modal-custom-command")
