"""The Lambda zip against its target: its size, its ten largest parts, and (with --cold-start) how long a
fresh interpreter on the unpacked zip takes to answer a signed PING, as shipped and with bytecode added.

    python bench/bench_lambda.py [ZIP] [--stage production] [--cold-start] [--runs 5]

Without ZIP it builds one first, the way `./run package` does (zappa package, from the active venv or
./.venv). Sizes are the zip's own (compressed) bytes per top-level entry; 1 MB = 10^6 bytes.
Target (issue 9): the zip ≤ 25 MB without slim_handler.
"""
import argparse
import collections
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
import zipfile
from pathlib import Path

from _common import ROOT

from tests.lambda_events import function_url_event, ping, signed_headers
from tests.lambda_package import LAMBDA_PROVIDES, TARGET_BYTES, build, build_venv, stage_settings, venv_site_packages


def venv() -> Path:
    if build_venv() is None:
        sys.exit("zappa packages a virtualenv: run ./run setup first (it makes .venv)")
    return build_venv()


def timed_build(stage: str, output: Path) -> float:
    started = time.perf_counter()
    built = build(stage, output, output.parent)
    if built.returncode != 0:
        sys.exit(built.stdout[-2000:] + built.stderr[-2000:])
    return time.perf_counter() - started


def parts(zip_path: Path) -> list:
    """(top-level entry, compressed bytes, uncompressed bytes, files), largest first."""
    sizes = collections.defaultdict(lambda: [0, 0, 0])
    with zipfile.ZipFile(zip_path) as archive:
        for info in archive.infolist():
            entry = sizes[info.filename.split("/")[0]]
            entry[0] += info.compress_size
            entry[1] += info.file_size
            entry[2] += 1
    return sorted(((name, *values) for name, values in sizes.items()), key=lambda part: -part[1])


def report_size(zip_path: Path, stage: str):
    size = zip_path.stat().st_size
    verdict = "OK" if size <= TARGET_BYTES else "OVER"
    print(f"Lambda zip ({stage}): {zip_path}")
    print(f"  {'size':<30} {'target':>10}")
    print(f"  {size / 1e6:>8.2f} MB ({size / 2**20:.2f} MiB){'':<9} ≤ {TARGET_BYTES / 1e6:.0f} MB   {verdict}, "
          f"{(TARGET_BYTES - size) / 1e6:+.2f} MB to spare")
    listed = parts(zip_path)
    print(f"\n  ten largest parts (of {len(listed)}; zipped MB, unzipped MB, files):")
    for name, packed, unpacked, files in listed[:10]:
        print(f"  {packed / 1e6:>8.2f} {unpacked / 1e6:>8.2f} {files:>6}  {name}")
    rest = listed[10:]
    print(f"  {sum(p[1] for p in rest) / 1e6:>8.2f} {sum(p[2] for p in rest) / 1e6:>8.2f} "
          f"{sum(p[3] for p in rest):>6}  the other {len(rest)}")


def lambda_runtime_dir(work: Path) -> Path:
    runtime = work / "lambda-runtime"
    runtime.mkdir()
    for name in LAMBDA_PROVIDES:
        (runtime / name).symlink_to(venv_site_packages() / name)
    return runtime


def cold_start_ms(task_root: Path, runtime: Path, work: Path, entry: str) -> float:
    """A new interpreter: import the entry point, answer one signed PING (function URL) — wall time."""
    from nacl.signing import SigningKey
    key = SigningKey.generate()
    body = json.dumps(ping()).encode()
    invocations = work / "ping.json"
    event = function_url_event(body, signed_headers(key, body))
    invocations.write_text(json.dumps({"entry": entry, "events": [{"name": "ping", "event": event}]}))
    env = {"PATH": os.environ["PATH"], "LANG": "C.UTF-8", "AWS_LAMBDA_FUNCTION_NAME": "statussync-bench",
           "AWS_REGION": "us-east-1", "AWS_DEFAULT_REGION": "us-east-1", "PYTHONDONTWRITEBYTECODE": "1",
           "DATABASE_URL": "postgresql://nobody@127.0.0.1:9/unused", "DISCORD_APPLICATION_ID": "100000000000000001",
           "DISCORD_PUBLIC_KEY": key.verify_key.encode().hex(), "DISCORD_BOT_TOKEN": "bench", "SECRET_KEY": "bench"}
    started = time.perf_counter()
    subprocess.run([str(venv() / "bin" / "python"), "-I", "-S", str(ROOT / "tests" / "lambda_runtime.py"),
                    str(task_root), str(runtime), str(invocations), str(work / "ping-result.json")],
                   cwd=task_root, env=env, check=True, capture_output=True)
    elapsed = (time.perf_counter() - started) * 1000
    result = json.loads((work / "ping-result.json").read_text())["results"][0]
    assert result.get("response", {}).get("statusCode") == 200, result
    return elapsed


def report_cold_start(zip_path: Path, stage: str, runs: int):
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        runtime = lambda_runtime_dir(work)
        shipped, compiled = work / "shipped", work / "compiled"
        for target in (shipped, compiled):
            with zipfile.ZipFile(zip_path) as archive:
                archive.extractall(target)
        # Timestamp-checked .pyc files never match a zip's 1980 dates; unchecked-hash ones load as they are.
        subprocess.run([str(venv() / "bin" / "python"), "-m", "compileall", "-q", "-j", "0",
                        "--invalidation-mode", "unchecked-hash", str(compiled)], check=True, capture_output=True)
        entry = stage_settings(stage)["lambda_handler"]
        cases = {f"as shipped ({entry}, sources only)": (shipped, entry),
                 f"with unchecked-hash .pyc ({entry})": (compiled, entry),
                 "Zappa's own handler.lambda_handler (imports boto3 first)": (shipped, "handler.lambda_handler")}
        timings = {label: [] for label in cases}
        for _ in range(runs):
            for label, (task_root, entry_point) in cases.items():
                timings[label].append(cold_start_ms(task_root, runtime, work, entry_point))
    print(f"\n  cold start → first signed PING answered (function URL event), median of {runs}:")
    for label, samples in timings.items():
        print(f"  {statistics.median(samples):>8.0f} ms  {label}   (min {min(samples):.0f}, max {max(samples):.0f})")


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("zip", nargs="?", type=Path)
    parser.add_argument("--stage", default="production")
    parser.add_argument("--cold-start", action="store_true")
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        zip_path = args.zip
        if zip_path is None:
            zip_path = Path(tmp) / f"statussync-{args.stage}.zip"
            print(f"built with zappa package in {timed_build(args.stage, zip_path):.1f} s")
        report_size(zip_path, args.stage)
        if args.cold_start:
            report_cold_start(zip_path, args.stage, args.runs)


if __name__ == "__main__":
    main()
