"""The feature registry: one place per feature, loaded the same way by every entry point."""
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

import commands
from app import features
from app.guild_settings import Section

ROOT = Path(__file__).resolve().parents[1]


def test_every_command_module_belongs_to_exactly_one_feature():
    claimed = [ref for f in features.declared() for ref in f.commands]
    assert sorted(claimed) == sorted(m.__name__ for m in commands.modules())
    assert len(claimed) == len(set(claimed))


def test_every_declared_job_and_task_exists_under_its_name():
    jobs = features.jobs()
    assert sorted(jobs) == ["audit", "backups", "cc_sync", "expire", "levelups", "outbox", "premium", "prune",
                            "scan", "weekly"]
    assert {name: getattr(fn, "job_name", None) for name, fn in jobs.items()} == {name: name for name in jobs}
    assert {"rank_card", "rep_card", "imgsay", "automod_sync"} <= set(features.tasks())


FRESH = """
import json
from app import guild_settings, features
print(json.dumps({"sections": list(guild_settings.sections()),
                  "consumers": [c.NAME for c in features.scan_consumers()]}))
"""


def test_a_fresh_process_knows_every_section_and_consumer_without_importing_their_modules():
    done = subprocess.run([sys.executable, "-c", FRESH], cwd=ROOT, capture_output=True, text=True, timeout=60,
                          env={"PATH": os.environ.get("PATH", "/usr/bin:/bin")})
    assert done.returncode == 0, done.stderr
    found = json.loads(done.stdout)
    assert found == {"sections": ["general", "modlog", "moderation", "xp", "rep", "ai", "backups"],
                     "consumers": ["xp", "message_counts"]}


def test_two_features_claiming_one_section_or_job_are_refused():
    features.register(features.Feature("clash", sections=[Section("xp", {}, "Another XP")],
                                       jobs={"scan": "app.jobs.scan:scan"}))
    try:
        with pytest.raises(features.DeclarationError, match="settings section 'xp'.*social.*clash"):
            features.sections()
        with pytest.raises(features.DeclarationError, match="job 'scan'.*core.*clash"):
            features.jobs()
    finally:
        features.unregister("clash")
    assert "xp" in features.sections() and "scan" in features.jobs()


def test_a_registered_feature_brings_its_section_to_config(discord, runtime):
    features.register(features.Feature("greeter", sections=[Section("greeter", {"message": "hi"}, "Greeter")]))
    try:
        answer = discord.command("config", [{"type": 1, "name": "view", "options": []}], permissions=1 << 5)
        assert any(f["name"] == "Greeter" and "hi" in f["value"] for f in answer["data"]["embeds"][0]["fields"])
    finally:
        features.unregister("greeter")


def test_every_job_has_a_lambda_handler_and_a_schedule():
    from app import lambda_jobs
    settings = json.loads((ROOT / "zappa_settings.json").read_text())
    scheduled = {e["function"] for stage in settings.values() for e in stage.get("events", [])}
    for name in features.jobs():
        assert callable(getattr(lambda_jobs, name, None)), f"app/lambda_jobs.py has no handler for {name}"
        assert f"app.lambda_jobs.{name}" in scheduled, f"zappa_settings.json does not schedule {name}"
