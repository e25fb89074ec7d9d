"""/dashboard/api/cases: filtered and keyset-paged; /cases/<number>: one case with its reason history, and
its reason re-worded through the service /case reason uses."""
from flask import Blueprint, jsonify, request

from dashboard import inputs
from dashboard.access import guild_access, runtime

bp = Blueprint("dashboard_api_cases", __name__, url_prefix="/dashboard/api")


@bp.get("/cases")
@guild_access(write=False)
def cases(guild, conn):
    from app.dashboard_data import case_search
    args = request.args
    action = args.get("type") or None
    if action is not None and (len(action) > 32 or not action.replace("_", "").isalnum()):
        raise inputs.BadInput("type must be a case type such as warn, timeout, kick or ban.")
    found = case_search.search(
        conn, guild.guild_id, user_id=inputs.snowflake(args.get("user_id"), "user_id", required=False),
        moderator_id=inputs.snowflake(args.get("moderator_id"), "moderator_id", required=False), action=action,
        since=inputs.moment(args.get("since"), "since"), until=inputs.moment(args.get("until"), "until"),
        before=inputs.integer(args.get("before"), "before", None, 1, 2_000_000_000),
        limit=inputs.integer(args.get("limit"), "limit", 25, 1, case_search.MAX_PAGE))
    return jsonify(found)


@bp.get("/cases/<number>")
@guild_access(write=False)
def case(guild, conn, number):
    from app.dashboard_data import case_search
    found = case_search.one_case(conn, guild.guild_id, inputs.integer(number, "number", 0, 1, 2_000_000_000))
    if found is None:
        return jsonify(error=f"There is no case #{number} in this server."), 404
    return jsonify(found)


@bp.post("/cases/<number>/reason")
@guild_access(write=True)
def change_reason(guild, conn, number):
    """A case's reason re-worded, as /case reason does: the old one stays in its history."""
    from app.dashboard_data import case_search
    from app.moderation import cases as case_store
    body = inputs.json_object(allowed=("reason",))
    reason = body.get("reason")
    if not isinstance(reason, str) or not reason.strip() or len(reason) > 512:
        raise inputs.BadInput("reason must be text of 1 to 512 characters.")
    case_number = inputs.integer(number, "number", 0, 1, 2_000_000_000)
    if case_search.one_case(conn, guild.guild_id, case_number) is None:
        return jsonify(error=f"There is no case #{case_number} in this server."), 404
    case_store.change_reason(conn, guild.guild_id, case_number, reason, guild.user_id, runtime().clock())
    return jsonify(case_search.one_case(conn, guild.guild_id, case_number))
