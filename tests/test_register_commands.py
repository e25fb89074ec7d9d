"""register_commands.py against the fake Discord: diff, bulk overwrite only on change, --dry-run."""
import subprocess
import sys
from pathlib import Path

import commands
from tests import spec
from tests.conftest import BOT_TOKEN
from tests.interactions import BOT_ID

ROOT = Path(__file__).resolve().parents[1]


def run(fake, *args):
    env = {"PATH": "/usr/bin:/bin", "DISCORD_APPLICATION_ID": BOT_ID, "DISCORD_BOT_TOKEN": BOT_TOKEN,
           "DISCORD_API_BASE": fake.base_url}
    return subprocess.run([sys.executable, "register_commands.py", *args], cwd=ROOT, env=env,
                          capture_output=True, text=True, timeout=60)


def test_first_run_registers_then_second_run_sends_nothing(fake_discord):
    fake_discord.forget_commands()  # a first run: other tests' custom commands (kept by --guild) are gone
    first = run(fake_discord, "--guild", "810000000000000001")
    assert first.returncode == 0, first.stderr
    assert "+ /config (new)" in first.stdout
    puts = fake_discord.find("PUT", r"/applications/\d+/guilds/810000000000000001/commands")
    assert len(puts) == 1
    spec.validate_recorded(puts[0])
    assert {c["name"] for c in puts[0].json} == set(commands.collect().commands)

    second = run(fake_discord, "--guild", "810000000000000001")
    assert second.returncode == 0 and "already up to date" in second.stdout
    assert len(fake_discord.find("PUT", r"/applications/\d+/guilds/810000000000000001/commands")) == 1


def test_dry_run_prints_the_diff_and_sends_nothing(fake_discord):
    dry = run(fake_discord, "--dry-run")
    assert dry.returncode == 0 and "dry run" in dry.stdout and "+ /help (new)" in dry.stdout
    assert fake_discord.find("PUT", r"/applications/\d+/commands") == []


def test_a_changed_description_is_reported_and_sent(fake_discord):
    import requests
    older = commands.collect().registration_json()
    older[0]["description"] = "an old description"
    requests.put(f"{fake_discord.base_url}/applications/{BOT_ID}/commands", json=older,
                 headers={"Authorization": f"Bot {BOT_TOKEN}"}, timeout=5).raise_for_status()
    rerun = run(fake_discord)
    assert f"~ /{older[0]['name']}: description changed" in rerun.stdout
    assert len(fake_discord.find("PUT", r"/applications/\d+/commands")) == 2
    assert fake_discord.commands()[0]["description"] != "an old description"


def test_missing_token_is_named():
    result = subprocess.run([sys.executable, "register_commands.py"], cwd=ROOT, env={"PATH": "/usr/bin:/bin"},
                            capture_output=True, text=True, timeout=60)
    assert result.returncode == 2
    assert result.stderr.strip() == "register_commands: missing required setting DISCORD_APPLICATION_ID"
