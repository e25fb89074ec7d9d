"""Who runs deferred work: a thread of this process (ThreadRunner) or an asynchronous Lambda invocation
(ZappaRunner). Both take `submit(runtime, task_name, interaction, kwargs)`, refuse a task no feature
registered, and send the arguments through JSON first, so what works locally works on Lambda.
"""
import json
import os
import threading
from concurrent.futures import ThreadPoolExecutor

from .. import deadlines, features
from . import responses as r
from .deferred import UnknownTask, run_task


def checked(task_name, interaction, kwargs) -> tuple:
    """What every runner sends: a registered task name and arguments as they come out of JSON."""
    if not features.is_task(task_name):
        raise UnknownTask(f"deferred task {str(task_name)[:80]!r} is not registered")
    return r.portable([task_name, interaction, kwargs])


def runner_for_environment():
    """On Lambda nothing runs after the response, so the work goes to an asynchronous invocation."""
    return ZappaRunner() if os.environ.get("AWS_LAMBDA_FUNCTION_NAME") else ThreadRunner()


class ThreadRunner:
    """Runs deferred tasks on background threads of this process, each once its deferred answer has left
    (Flask's `call_on_close`, which waitress calls after writing the response): a task that started
    earlier could edit @original before Discord saw the answer."""

    def __init__(self, max_workers: int = 4):
        self._executor = ThreadPoolExecutor(max_workers=max_workers, thread_name_prefix="deferred")
        self._pending = set()
        self._lock = threading.Condition()

    def submit(self, runtime, task_name, interaction, kwargs) -> None:
        args = (runtime, *checked(task_name, interaction, kwargs))
        from flask import after_this_request, has_request_context
        if not has_request_context():  # a one-shot command or a test calling submit itself
            self._start(args)
            return

        @after_this_request
        def start_after_the_answer(response):
            response.call_on_close(lambda: self._start(args))
            return response

    def _start(self, args):
        future = self._executor.submit(run_task, *args)
        with self._lock:
            self._pending.add(future)
        future.add_done_callback(self._done)

    def _done(self, future):
        with self._lock:
            self._pending.discard(future)
            self._lock.notify_all()

    def started(self) -> int:
        """How many tasks are running or queued on the threads (not those waiting for their answer)."""
        with self._lock:
            return len(self._pending)

    def wait(self, timeout: float = 10.0) -> bool:
        """Block until every started task finished (tests and one-shot commands)."""
        with self._lock:
            return self._lock.wait_for(lambda: not self._pending, timeout=timeout)


class ZappaRunner:
    """Hands deferred tasks to an "Event" (asynchronous) invocation of this Lambda function, in the message
    shape Zappa's router reads. Built here rather than by zappa.asynchronous, whose import creates four
    boto3 clients; the invoke's timeouts come from the interaction's deadline, so submit ends inside it."""

    ROUTER = "zappa.asynchronous.route_lambda_task"
    ENTRY = "app.interactions.deferred.run_task_from_lambda"
    PAYLOAD_LIMIT = 256_000
    NO_DEADLINE_S = 2.0  # when the caller set no deadline
    MIN_S = 0.15  # less than this left: refuse at once rather than answer late

    def __init__(self):
        self._session = None
        self._clients = {}  # time-left step -> client (making one costs 60-200 ms; timeouts are per client)

    def submit(self, runtime, task_name, interaction, kwargs) -> None:
        args = checked(task_name, interaction, kwargs)
        payload = json.dumps({"task_path": self.ENTRY, "capture_response": False, "response_id": None,
                              "args": args, "kwargs": {}, "command": self.ROUTER})
        if len(payload) > self.PAYLOAD_LIMIT:
            raise ValueError(f"deferred task {task_name} arguments are too large for Lambda ({len(payload)} bytes)")
        client = self._client()
        sent = client.invoke(FunctionName=os.environ["AWS_LAMBDA_FUNCTION_NAME"], InvocationType="Event",
                             Payload=payload)
        if sent.get("StatusCode") != 202:
            raise RuntimeError(f"Lambda did not accept deferred task {interaction.get('id')} ({task_name})")

    def _client(self):
        """A Lambda client whose one attempt (no retry) ends inside the time left, measured after the
        imports and the session (a cold `import boto3` costs 300-400 ms of it). Clients are kept per
        quarter second of time left, rounded down, so their timeouts never exceed what is left."""
        if self._session is None:
            import boto3
            self._session = boto3.Session()  # read from the environment now, not at import
        left = deadlines.remaining(self.NO_DEADLINE_S)
        deadlines.check(self.MIN_S, "handing deferred work to Lambda")
        step = max(1, int(left * 4)) / 4
        if step not in self._clients:
            from botocore.config import Config
            connect = min(1.0, step * 0.4)
            self._clients[step] = self._session.client("lambda", config=Config(
                connect_timeout=connect, read_timeout=max(0.05, step * 0.8 - connect),
                retries={"total_max_attempts": 1}))
        return self._clients[step]
