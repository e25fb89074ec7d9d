"""A job split by guild shard: each shard a run of its own, all at once.

    fan_out(runtime, "scan", 4, scan_shard, "app.lambda_jobs.scan_shard")

On Lambda (or SCAN_FANOUT=lambda) every shard is an asynchronous ("Event") invocation of this function, in
the message shape Zappa's router reads (the mechanism deferred work uses, app/interactions/runners.py), so
each shard gets its own 60 s; the scheduled run returns once they are handed over. Elsewhere the shards run
on threads of this process (SCAN_FANOUT=threads, the default) or one after another (SCAN_FANOUT=inline).
Shards share the rate budget (app/jobs/rate_budget.py) and each takes its own lock (app/jobs/locks.py),
so AWS retrying an invocation, or a slow shard overlapping the next start, does no double work.
"""
import json
import logging
import os
from concurrent.futures import ThreadPoolExecutor

log = logging.getLogger(__name__)

ROUTER = "zappa.asynchronous.route_lambda_task"
MODES = ("lambda", "threads", "inline")


def mode_of(runtime) -> str:
    wanted = str(runtime.settings.get("SCAN_FANOUT") or "").strip().lower()
    if wanted in MODES:
        return wanted
    return "lambda" if os.environ.get("AWS_LAMBDA_FUNCTION_NAME") else "threads"


def fan_out(runtime, job: str, shards: int, run_shard, lambda_entry: str) -> str:
    """Start run_shard(runtime, shard, shards) for every shard; the summary of what was started or done."""
    mode = mode_of(runtime)
    if mode == "lambda":
        started = [shard for shard in range(shards) if invoke_async(lambda_entry, [shard, shards])]
        missing = shards - len(started)
        return (f"{job}: {len(started)} of {shards} shard(s) started as asynchronous invocations"
                + (f"; {missing} could not be started (next run)" if missing else ""))
    if mode == "inline":
        summaries = [run_shard(runtime, shard, shards) for shard in range(shards)]
    else:
        with ThreadPoolExecutor(max_workers=shards, thread_name_prefix=f"{job}-shard") as pool:
            futures = [pool.submit(run_shard, runtime, shard, shards) for shard in range(shards)]
            summaries = [future.result() for future in futures]  # a shard's error is the job's error
    return "\n".join(f"shard {shard + 1}/{shards}: {text}" for shard, text in enumerate(summaries))


_clients = {}  # endpoint (tests point it at a local fake) -> Lambda client; making one costs 60-200 ms


def invoke_async(task_path: str, args: list) -> bool:
    """Hand `task_path(*args)` to an asynchronous invocation of this Lambda function; False when refused."""
    payload = json.dumps({"task_path": task_path, "capture_response": False, "response_id": None,
                          "args": args, "kwargs": {}, "command": ROUTER})
    try:
        endpoint = os.environ.get("AWS_ENDPOINT_URL_LAMBDA")
        if endpoint not in _clients:
            import boto3
            from botocore.config import Config
            _clients[endpoint] = boto3.client("lambda", config=Config(connect_timeout=2, read_timeout=5,
                                                                      retries={"total_max_attempts": 2}))
        sent = _clients[endpoint].invoke(FunctionName=os.environ["AWS_LAMBDA_FUNCTION_NAME"], InvocationType="Event",
                              Payload=payload)
    except Exception as error:  # botocore's errors, a missing function name: this shard waits for next run
        log.warning("could not start %s%s asynchronously: %s", task_path, args, error)
        return False
    if sent.get("StatusCode") != 202:
        log.warning("Lambda did not accept %s%s (status %s)", task_path, args, sent.get("StatusCode"))
        return False
    return True
