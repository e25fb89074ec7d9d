"""The Backups tab's routes: make a backup, preview a restore, confirm it, follow it, through app/backups."""
from tests.dashboard_support import (  # noqa: F401  (fixtures)
    GUILD, MANAGER, OWNER, WRITE_ROLE, WRITER, api_as, clock, dash_app, dash_discord, dash_settings, owner, runtime)


def test_a_backup_made_on_the_dashboard_previews_and_restores_a_deleted_role(owner, dash_discord, runtime, clock):
    made = owner.post("/dashboard/api/backups", {"note": "before the cleanup"})
    assert made.status_code == 201 and made.get_json()["backup"]["note"] == "before the cleanup"
    listed = owner.get("/dashboard/api/backups").get_json()
    assert [b["id"] for b in listed["backups"]] == [made.get_json()["backup"]["id"]]
    assert listed["backups"][0]["origin"] == "dashboard" and listed["backups"][0]["author_id"] == OWNER
    with dash_discord._lock:
        del dash_discord._guilds[GUILD]["roles"][WRITE_ROLE]
    backup_id = made.get_json()["backup"]["id"]
    preview = owner.post(f"/dashboard/api/backups/{backup_id}/preview", {"parts": ["roles"]})
    assert preview.status_code == 200, preview.get_json()
    summary = preview.get_json()
    assert any("Editors" in line for line in summary["create"]) and summary["empty"] is False
    confirmed = owner.post(f"/dashboard/api/backups/restores/{summary['restore_id']}/confirm")
    assert confirmed.status_code == 202 and confirmed.get_json()["state"] in ("running", "done")
    again = owner.post(f"/dashboard/api/backups/restores/{summary['restore_id']}/confirm")
    assert again.status_code == 400 and "already" in again.get_json()["error"]
    from app.backups.job import run_backups
    clock.advance(1)
    run_backups(runtime)  # the backups job carries a dashboard restore out
    progress = owner.get(f"/dashboard/api/backups/restores/{summary['restore_id']}").get_json()
    assert progress["state"] == "done" and progress["counts"]["roles"][0] == progress["counts"]["roles"][1] >= 1
    assert "Editors" in [r["name"] for r in dash_discord.guild(GUILD)["roles"]]


def test_only_managers_preview_and_confirm_a_restore(dash_app, dash_discord, owner):
    owner.post("/dashboard/api/access", {"grants": [{"role_id": WRITE_ROLE, "level": "write"}]})
    backup_id = owner.post("/dashboard/api/backups", {}).get_json()["backup"]["id"]
    writer = api_as(dash_app, dash_discord, WRITER)
    assert writer.post("/dashboard/api/backups", {"note": "mine"}).status_code == 201  # read-write may back up
    capped = writer.post("/dashboard/api/backups", {"note": "third"})
    assert capped.status_code == 400 and "keeps 2 backups" in capped.get_json()["error"]  # the free tier's cap
    assert writer.post(f"/dashboard/api/backups/{backup_id}/preview", {}).status_code == 403
    assert writer.get("/dashboard/api/backups").status_code == 200
    manager = api_as(dash_app, dash_discord, MANAGER)
    assert manager.post(f"/dashboard/api/backups/{backup_id}/preview", {"parts": ["channels"]}).status_code == 200


def test_bad_backup_requests_are_400(owner):
    assert owner.post("/dashboard/api/backups/1/preview", {"parts": ["everything"]}).status_code == 400
    assert owner.post("/dashboard/api/backups/999/preview", {}).status_code == 400
    assert owner.post("/dashboard/api/backups", {"note": 5}).status_code == 400
    assert owner.get("/dashboard/api/backups/restores/12345").status_code == 400
