"""What handing deferred work to Lambda costs inside Discord's 3 s: ZappaRunner.submit against a local fake
Lambda Invoke API, in fresh processes (cold: boto3 imported, session and client made) and warm, beside the
cost of importing zappa.asynchronous (which makes four boto3 clients at import; ZappaRunner doesn't).

    python bench/bench_deferred_submit.py [--runs 5]
"""
import argparse
import json
import os
import statistics
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

PROBE = """
import json, time
t0 = time.perf_counter()
import boto3
t1 = time.perf_counter()
from app.interactions.runners import ZappaRunner
from app import features
features.register(features.Feature("bench", tasks={"bench_task": lambda ctx: None}))
runner = ZappaRunner()
interaction = {"id": "1", "token": "t", "type": 2}
t2 = time.perf_counter()
runner.submit(None, "bench_task", interaction, {})
t3 = time.perf_counter()
runner.submit(None, "bench_task", interaction, {})
t4 = time.perf_counter()
import zappa.asynchronous
t5 = time.perf_counter()
print(json.dumps({"import boto3": t1 - t0, "cold submit": t3 - t2, "warm submit": t4 - t3,
                  "import zappa.asynchronous (after boto3)": t5 - t4}))
"""


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    from tests.test_deferred_lambda import FakeLambda
    fake = FakeLambda()
    env = {**os.environ, "AWS_LAMBDA_FUNCTION_NAME": "bench", "AWS_ENDPOINT_URL_LAMBDA": fake.url,
           "AWS_ACCESS_KEY_ID": "AKIDBENCH", "AWS_SECRET_ACCESS_KEY": "bench", "AWS_REGION": "us-east-1",
           "AWS_DEFAULT_REGION": "us-east-1", "AWS_EC2_METADATA_DISABLED": "true",
           "AWS_CONFIG_FILE": os.devnull, "AWS_SHARED_CREDENTIALS_FILE": os.devnull}
    results = []
    try:
        for _ in range(args.runs):
            done = subprocess.run([sys.executable, "-c", PROBE], cwd=ROOT, env=env, capture_output=True, text=True,
                                  timeout=60, check=True)
            results.append(json.loads(done.stdout.strip().splitlines()[-1]))
    finally:
        fake.stop()
    print(f"{len(fake.invocations)} invocations received; median of {args.runs} fresh processes:")
    for key in results[0]:
        values = [r[key] * 1000 for r in results]
        print(f"  {key:42s} {statistics.median(values):7.0f} ms   (max {max(values):.0f} ms)")


if __name__ == "__main__":
    main()
