"""Automod: rule validation (rules), message evaluation (engine), Discord AutoMod payloads and sync (native)."""
from app.automod.engine import CompiledRules, Violation, compile_rules, evaluate_batch, evaluate_message, explain
from app.automod.native import build_native_rules
from app.automod.rules import RULE_TYPES, RuleError, check_pattern, check_word, normalize_rule
from app.automod.sync import NAME_PREFIX, plan_sync
from app.features import Feature

# Automod judges what the scan job (a core job) reads; its rules live in their own table, not in settings.
FEATURE = Feature(
    "automod",
    tasks={"automod_sync": "commands.automod:sync_task"},
    commands=["commands.automod"],
)

__all__ = [
    "RULE_TYPES", "RuleError", "check_pattern", "check_word", "normalize_rule",
    "CompiledRules", "Violation", "compile_rules", "evaluate_batch", "evaluate_message", "explain",
    "NAME_PREFIX", "build_native_rules", "plan_sync", "FEATURE",
]
