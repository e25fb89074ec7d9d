"""Slash command declarations, one module per command group; collect() gathers them all."""
import importlib
import pkgutil

from app.interactions.registry import CommandSet


def modules() -> list:
    return [importlib.import_module(f"{__name__}.{info.name}")
            for info in pkgutil.iter_modules(__path__) if not info.name.startswith("_")]


def collect() -> CommandSet:
    return CommandSet.from_modules(modules())
