"""Autocomplete of custom options (suggestions, and choice lists beyond Discord's 25) answered with type 8,
and /cc edit's `clear`, which resets a command's gates instead of only setting them."""
import pytest

from tests import interactions as ix
from tests import spec
from tests.test_custom_commands import GUILD_COMMANDS, OTHER_GUILD, add, cc, text, use

FRUIT = "apple|apricot|banana|pineapple|grape|Papaya"


@pytest.fixture
def fake_discord(own_discord):
    own_discord.reset()
    own_discord.forget_commands()
    return own_discord


def typing(discord, name, option, typed, *, type_=3, others=(), guild_id=ix.GUILD_ID, sub=None):
    focused = {"name": option, "type": type_, "value": typed, "focused": True}
    options = [*others, focused]
    if sub:
        options = [ix.sub(sub, *options)]
    answer = discord.send(ix.command(name, options, interaction_type=4, guild_id=guild_id))
    assert answer["type"] == 8, answer
    return [(c["name"], c["value"]) for c in answer["data"]["choices"]]


def test_suggestions_are_registered_as_autocomplete_and_offered_as_the_member_types(discord, fake_discord,
                                                                                     clean_db):
    add(discord, "eat", "{{ user.name }} eats {{ args.fruit }}", ix.opt("options", f"fruit:string:Which {{{FRUIT}}}"))
    post = fake_discord.find("POST", GUILD_COMMANDS)[0]
    spec.validate_recorded(post)
    option = fake_discord.commands(ix.GUILD_ID)[0]["options"][0]
    assert option["autocomplete"] is True and "choices" not in option

    assert [n for n, _ in typing(discord, "eat", "fruit", "ap")] == \
        ["apple", "apricot", "pineapple", "grape", "Papaya"]  # starting with it first, then containing it
    assert typing(discord, "eat", "fruit", "PAP") == [("Papaya", "Papaya")]  # case doesn't matter
    assert len(typing(discord, "eat", "fruit", "")) == 6
    assert typing(discord, "eat", "fruit", "kiwi") == []
    # a suggestion is only a suggestion: any other text still works
    assert use(discord, "eat", [ix.opt("fruit", "kiwi")])["data"]["content"] == "user004 eats kiwi"


def test_a_choice_list_beyond_25_becomes_autocomplete_that_accepts_only_its_items(discord, fake_discord, clean_db):
    sizes = "|".join(f"size{n}" for n in range(1, 41))
    add(discord, "shirt", "size {{ args.size }}", ix.opt("options", f"size:string:Your size [{sizes}]"))
    option = fake_discord.commands(ix.GUILD_ID)[0]["options"][0]
    assert option["autocomplete"] is True and "choices" not in option
    offered = typing(discord, "shirt", "size", "size3")
    assert offered[0] == ("size3", "size3") and [n for n, _ in offered[1:]] == [f"size{n}" for n in range(30, 40)]
    assert len(typing(discord, "shirt", "size", "")) == 25  # Discord's most per answer
    assert use(discord, "shirt", [ix.opt("size", "size33")])["data"]["content"] == "size size33"
    refused = use(discord, "shirt", [ix.opt("size", "huge")])
    assert refused["data"]["flags"] & 64 and "one of the values offered" in refused["data"]["content"]

    add(discord, "roll", "{{ args.n }}", ix.opt("options", "n:integer [" + "|".join(map(str, range(1, 31))) + "]"))
    assert typing(discord, "roll", "n", "2", type_=4)[:2] == [("2", 2), ("20", 20)]  # values keep their type


def test_autocomplete_never_reaches_another_guilds_command_or_an_unknown_one(discord, fake_discord, clean_db):
    add(discord, "eat", "{{ args.fruit }}", ix.opt("options", f"fruit:string {{{FRUIT}}}"))
    assert typing(discord, "eat", "fruit", "ap", guild_id=OTHER_GUILD) == []
    assert typing(discord, "nothing", "fruit", "ap") == []
    assert typing(discord, "eat", "other", "ap") == []


def test_clear_resets_the_gates_a_command_was_given(discord, fake_discord, clean_db):
    role = {"id": "880000000000000008", "name": "VIP", "permissions": "0", "color": 0, "position": 1,
            "hoist": False, "managed": False, "mentionable": False, "flags": 0}
    channel = {"id": "870000000000000007", "name": "vip", "type": 0, "permissions": "0"}
    add(discord, "vip", "Hi {{ args.who.mention }}", ix.opt("options", "who:user"),
        ix.opt("required_role", role["id"], 8), ix.opt("allowed_channel", channel["id"], 7),
        ix.opt("cooldown", 600, 4), ix.opt("ephemeral", True, 5), ix.opt("mention_users", True, 5),
        resolved={"roles": {role["id"]: role}, "channels": {channel["id"]: channel}})
    who = {"users": {ix.MEMBER_ID: ix.member(ix.MEMBER_ID)["user"]}}
    assert "role" in use(discord, "vip", [ix.opt("who", ix.MEMBER_ID, 6)], resolved=who)["data"]["content"]

    both = cc(discord, "edit", ix.opt("name", "vip"), ix.opt("cooldown", 5, 4), ix.opt("clear", "cooldown"))
    assert "both set and clear `cooldown`" in text(both)
    unknown = cc(discord, "edit", ix.opt("name", "vip"), ix.opt("clear", "colour"))
    assert "comma-separated list of" in text(unknown) and "`colour`" in text(unknown)

    cleared = cc(discord, "edit", ix.opt("name", "vip"),
                 ix.opt("clear", "required_role, allowed_channel, cooldown, ephemeral, mention_users"))
    assert "Reset: required_role, allowed_channel, cooldown, ephemeral, mention_users" in text(cleared)
    for _ in range(2):  # no cooldown any more, no role, any channel
        reply = use(discord, "vip", [ix.opt("who", ix.MEMBER_ID, 6)], resolved=who)
        assert reply["data"]["content"] == f"Hi <@{ix.MEMBER_ID}>", reply
        assert not reply["data"].get("flags") and reply["data"]["allowed_mentions"] == {"parse": []}
    assert fake_discord.find("PATCH", GUILD_COMMANDS + r"/\d+") == []  # nothing Discord shows changed


def test_clear_offers_the_names_it_takes_as_you_type(discord, fake_discord, clean_db):
    assert typing(discord, "cc", "clear", "co", sub="edit", others=[ix.opt("name", "x")]) == \
        [("cooldown", "cooldown")]
    offered = typing(discord, "cc", "clear", "required_role, ", sub="edit", others=[ix.opt("name", "x")])
    assert ("required_role, cooldown", "required_role, cooldown") in offered
    assert all(not name.endswith("required_role") for name, _ in offered)


def test_commands_naming_a_custom_command_offer_this_guilds_names(discord, fake_discord, clean_db):
    for name in ("rules", "roles", "greet"):
        add(discord, name, "x")
    for sub in ("edit", "remove", "embed"):
        assert [n for n, _ in typing(discord, "cc", "name", "ru", sub=sub)] == ["rules"]
        assert [n for n, _ in typing(discord, "cc", "name", "r", sub=sub)] == ["roles", "rules", "greet"]
    assert typing(discord, "cc", "name", "", sub="edit") == [("greet", "greet"), ("roles", "roles"),
                                                              ("rules", "rules")]
    assert typing(discord, "cc", "name", "r", sub="edit", guild_id=OTHER_GUILD) == []
