"""Declarations Discord would reject fail at import; the registration JSON is what Discord accepts."""
import pytest

import commands
from app.interactions.declare import DeclarationError, Option, SlashCommand
from tests import spec


@pytest.mark.parametrize("build, message", [
    (lambda: SlashCommand("Bad Name", "x"), "lowercase"),
    (lambda: SlashCommand("x" * 33, "x"), "1-32"),
    (lambda: SlashCommand("ok", "d" * 101), "1-100"),
    (lambda: SlashCommand("ok", ""), "1-100"),
    (lambda: SlashCommand("ok", "x", options=[Option.string("a", "x", required=False), Option.string("b", "x")]),
     "after an optional"),
    (lambda: SlashCommand("ok", "x", options=[Option.string("a", "x"), Option.string("a", "y")]), "duplicate"),
    (lambda: Option.integer("n", "x", min_value=5, max_value=1), "min_value"),
    (lambda: Option.string("n", "x", choices=[str(i) for i in range(26)]), "1-25 choices"),
    (lambda: Option.integer("n", "x", choices=["one"]), "bad choice"),
    (lambda: Option.string("n", "x", min_value=1), "bounds"),
    (lambda: Option.string("n", "x", choices=["a"], autocomplete=lambda c, t: []), "autocomplete"),
])
def test_invalid_declarations_fail_at_import(build, message):
    with pytest.raises(DeclarationError, match=message):
        build()


def _handler_with_count(ctx, count):
    return None


@pytest.mark.parametrize("declare, message", [
    (lambda: SlashCommand("ok", "x", options=[Option.integer("count", "x")])(lambda ctx: None),
     "count have no parameter"),
    (lambda: SlashCommand("ok", "x")(_handler_with_count), "count of .* match no declared option"),
    (lambda: SlashCommand("ok", "x", options=[Option.string("label", "x", required=False)])(
        lambda ctx, label, extra=None: None), "extra of .* match no declared option"),
    (lambda: SlashCommand("ok", "x").subcommand("sub", "x", options=[Option.user("user", "x")])(
        lambda ctx, member: None), "user have no parameter"),
    (lambda: SlashCommand("ok", "x").subcommand("sub", "x")(lambda ctx, *args: None), r"\*args"),
    (lambda: SlashCommand("ok", "x")(lambda: None), "context as its first parameter"),
])
def test_a_handler_whose_parameters_do_not_match_its_options_fails_at_import(declare, message):
    with pytest.raises(DeclarationError, match=message):
        declare()


def test_a_handler_may_take_options_as_keyword_arguments():
    command = SlashCommand("ok", "x", options=[Option.integer("count", "x")])
    assert command(lambda ctx, **options: options) is not None


def test_a_command_cannot_mix_options_and_subcommands():
    command = SlashCommand("mixed", "x", options=[Option.string("a", "x")])
    with pytest.raises(DeclarationError, match="exclude"):
        command.subcommand("sub", "x")(lambda ctx: None)


def test_every_declared_command_registers_as_discord_expects():
    payload = commands.collect().registration_json()
    assert {c["name"] for c in payload} >= {"help", "config"}
    spec.validate_request("PUT", "/applications/100000000000000001/commands", payload)
    config = next(c for c in payload if c["name"] == "config")
    assert config["default_member_permissions"] == str(1 << 5)
    assert [o["name"] for o in config["options"]][:2] == ["view", "modlog"]
