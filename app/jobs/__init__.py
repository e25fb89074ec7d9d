"""Scheduled jobs: plain functions job(runtime) -> summary text, run by `python -m app job NAME`
and by Zappa's scheduled events. Each must be safe to run any number of times."""
import importlib
import pkgutil

JOBS: dict = {}


def job(name: str):
    def register(fn):
        JOBS[name] = fn
        return fn
    return register


def load_jobs() -> dict:
    for info in pkgutil.iter_modules(__path__):
        importlib.import_module(f"{__name__}.{info.name}")
    return JOBS
