"""Lambda's Python runtime, as far as the package can tell: run in a fresh `python -I -S`, so neither the
venv's site-packages nor this directory is on sys.path.

    python -I -S tests/lambda_runtime.py PACKAGE_DIR RUNTIME_DIR INVOCATIONS.json RESULTS.json

sys.path becomes the unpacked zip (/var/task), then RUNTIME_DIR (what Lambda's image adds: boto3, botocore
and their dependencies), then the standard library. The entry point named in INVOCATIONS.json (Lambda's
`Handler` setting, e.g. `handler.lambda_handler`) gets each event in turn, in this one process, as one warm
container would (an entry with "call" instead calls that function of the package with "args"). An
exception out of it is what Lambda reports as a function error; it is recorded, not raised. RESULTS.json gets every answer with the packages loaded by then, and the file of every module
this process loaded.
"""
import importlib
import json
import os
import sys
import time
import traceback


class Context:
    """The attributes of Lambda's context object that handlers read."""

    def __init__(self, function_name, request_number):
        self.function_name = function_name
        self.function_version = "$LATEST"
        self.invoked_function_arn = f"arn:aws:lambda:us-east-1:123456789012:function:{function_name}"
        self.memory_limit_in_mb = "512"
        self.aws_request_id = f"00000000-0000-4000-8000-{request_number:012d}"
        self.log_group_name = f"/aws/lambda/{function_name}"
        self.log_stream_name = "2026/01/01/[$LATEST]0123456789abcdef"
        self._deadline = time.monotonic() + 60

    def get_remaining_time_in_millis(self):
        return max(0, int((self._deadline - time.monotonic()) * 1000))


def main(package_dir, runtime_dir, invocations_path, results_path):
    invocations_path, results_path = os.path.abspath(invocations_path), os.path.abspath(results_path)
    sys.path[:0] = [package_dir, runtime_dir]
    os.chdir(package_dir)
    with open(invocations_path) as f:
        invocations = json.load(f)
    module_name, function_name = invocations["entry"].rsplit(".", 1)
    results = []
    for number, invocation in enumerate(invocations["events"], start=1):
        started = time.perf_counter()
        try:
            if "call" in invocation:  # a function of the package itself, called as code on Lambda would
                called_module, called = invocation["call"].rsplit(".", 1)
                value = getattr(importlib.import_module(called_module), called)(*invocation.get("args", []))
                outcome = {"response": {"bytes": len(value), "head": value[:8].hex()} if isinstance(value, bytes)
                           else value}
            else:
                entry = getattr(importlib.import_module(module_name), function_name)
                outcome = {"response": entry(invocation["event"],
                                             Context(os.environ["AWS_LAMBDA_FUNCTION_NAME"], number))}
        except BaseException as exc:  # Lambda would report any of these as the invocation's error
            outcome = {"lambda_error": f"{type(exc).__name__}: {exc}", "traceback": traceback.format_exc()}
        outcome.update(name=invocation["name"], ms=round((time.perf_counter() - started) * 1000, 1),
                       loaded=sorted({name.split(".")[0] for name in list(sys.modules)}))
        results.append(outcome)
        sys.stdout.flush()
        sys.stderr.flush()
    loaded = sorted({getattr(m, "__file__", None) or "" for m in list(sys.modules.values())} - {""})
    with open(results_path, "w") as f:
        json.dump({"results": results, "sys_path": sys.path, "module_files": loaded}, f, default=repr)


if __name__ == "__main__":
    main(*sys.argv[1:5])
