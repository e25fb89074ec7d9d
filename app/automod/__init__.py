"""Automod: rule validation (rules), message evaluation (engine), Discord AutoMod payloads and sync (native)."""
import importlib

from app.features import Feature

# The package's names, each imported from its module on first use (PEP 562): the feature registry reads
# FEATURE on every cold start, and the engine (re2 and the compiled rule tables) is ~18 ms a PING needs not.
_EXPORTS = {
    "app.automod.engine": ("CompiledRules", "Violation", "compile_rules", "evaluate_batch", "evaluate_message",
                           "explain"),
    "app.automod.native": ("build_native_rules",),
    "app.automod.rules": ("RULE_TYPES", "RuleError", "check_pattern", "check_word", "normalize_rule"),
    "app.automod.sync": ("NAME_PREFIX", "plan_sync"),
}
_MODULE_OF = {name: module for module, names in _EXPORTS.items() for name in names}


def __getattr__(name):
    if name not in _MODULE_OF:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(importlib.import_module(_MODULE_OF[name]), name)
    globals()[name] = value
    return value

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
