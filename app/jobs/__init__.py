"""Scheduled jobs: plain functions job(runtime) -> summary text, run by `python -m app job NAME` and by
Zappa's scheduled events (app/lambda_jobs.py). Each must be safe to run any number of times.

A job is registered by the feature that brings it (`jobs={"name": "app.jobs.module:function"}` in its
FEATURE, see app/features.py); `@job(name)` only labels the function with that name.
"""

JOBS: dict = {}


def job(name: str):
    def label(fn):
        fn.job_name = name
        return fn
    return label


def load_jobs() -> dict:
    """{name: job} of every feature (the same dict object each time, filled from the registry)."""
    from .. import features
    JOBS.update(features.jobs())
    return JOBS


def run_job(runtime, name: str) -> str:
    """Run one job by name, unless a run of it is still going (advisory lock); KeyError names the known ones."""
    from .locks import job_lock
    jobs = load_jobs()
    if name not in jobs:
        raise KeyError(f"unknown job {name!r}; jobs: {', '.join(sorted(jobs))}")
    with job_lock(runtime, name) as held:
        if not held:
            return f"{name}: an earlier run is still going; this run did nothing"
        return jobs[name](runtime)
