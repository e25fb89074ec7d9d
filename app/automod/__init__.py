"""Automod: rule validation (rules), message evaluation (engine), Discord AutoMod sync (native)."""
from app.automod.engine import CompiledRules, Violation, compile_rules, evaluate_batch, evaluate_message, explain
from app.automod.rules import RULE_TYPES, RuleError, check_pattern, check_word, normalize_rule

__all__ = [
    "RULE_TYPES", "RuleError", "check_pattern", "check_word", "normalize_rule",
    "CompiledRules", "Violation", "compile_rules", "evaluate_batch", "evaluate_message", "explain",
]
