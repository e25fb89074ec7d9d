"""Slash command declarations, one module per command group. Which feature brings which module is said
in that feature's FEATURE (app/features.py); collect() gathers them through the registry."""
import importlib
import pkgutil


def modules() -> list:
    """Every module in this package, whether or not a feature claims it (tests check that each one is)."""
    return [importlib.import_module(f"{__name__}.{info.name}")
            for info in pkgutil.iter_modules(__path__) if not info.name.startswith("_")]


def collect():
    from app import features
    return features.command_set()
