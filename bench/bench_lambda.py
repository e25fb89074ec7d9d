"""The Lambda zip against its target: its size, its ten largest parts, and (with --cold-start) how long a
fresh interpreter on the unpacked zip takes to answer a signed PING, as shipped and with bytecode added,
next to a bare Flask + PyNaCl handler run from the same unpacked zip in the same runs (interleaved against
drift; target: ≤ 1.25× bare), and a cold start that must open the database and answer `/config view`.

    python bench/bench_lambda.py [ZIP] [--stage production] [--cold-start] [--runs 15]

Without ZIP it builds one first, the way `./run package` does (zappa package, from the active venv or
./.venv). Sizes are the zip's own (compressed) bytes per top-level entry; 1 MB = 10^6 bytes.
Targets (issue 9): the zip ≤ 25 MB without slim_handler; cold start to the first PING ≤ 1.25× the bare
handler. --cold-start needs PostgreSQL (TEST_DATABASE_URL / DATABASE_URL, or postgres@127.0.0.1:5432) for
the `/config view` run: it creates and drops a throwaway database.
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

from _common import ROOT, throwaway_database

from tests import interactions as ix
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


# The floor the app is held to: the same Lambda event turned into a WSGI request for a Flask app whose only
# work is PyNaCl's signature check — what any Python HTTP-interactions bot has to import and do.
BARE_ENTRY = '''
import base64, json, os, sys
from io import BytesIO
from flask import Flask, jsonify, request
from nacl.exceptions import BadSignatureError
from nacl.signing import VerifyKey
from werkzeug.wrappers import Response

app = Flask("bare")
key = VerifyKey(bytes.fromhex(os.environ["DISCORD_PUBLIC_KEY"]))


@app.post("/interactions")
def interactions():
    body = request.get_data()
    try:
        key.verify(request.headers["X-Signature-Timestamp"].encode() + body,
                   bytes.fromhex(request.headers["X-Signature-Ed25519"]))
    except (BadSignatureError, KeyError, ValueError):
        return jsonify(error="invalid request signature"), 401
    if json.loads(body)["type"] == 1:
        return jsonify(type=1)
    return jsonify(type=4, data={"content": "hi"})


def lambda_handler(event, context):
    body = event.get("body") or ""
    body = base64.b64decode(body) if event.get("isBase64Encoded") else body.encode()
    headers = {name.lower(): value for name, value in (event.get("headers") or {}).items()}
    environ = {"REQUEST_METHOD": event["requestContext"]["http"]["method"], "SCRIPT_NAME": "",
               "PATH_INFO": event["rawPath"], "QUERY_STRING": "", "SERVER_NAME": "lambda", "SERVER_PORT": "443",
               "SERVER_PROTOCOL": "HTTP/1.1", "wsgi.version": (1, 0), "wsgi.url_scheme": "https",
               "wsgi.input": BytesIO(body), "wsgi.errors": sys.stderr, "wsgi.multithread": False,
               "wsgi.multiprocess": False, "wsgi.run_once": False, "CONTENT_LENGTH": str(len(body)),
               "CONTENT_TYPE": headers.get("content-type", "")}
    for name, value in headers.items():
        environ["HTTP_" + name.upper().replace("-", "_")] = value
    with Response.from_app(app, environ) as response:
        return {"statusCode": response.status_code, "headers": dict(response.headers),
                "body": response.get_data(as_text=True)}
'''


def cold_start_ms(task_root: Path, runtime: Path, work: Path, entry: str, interaction=None,
                  database_url="postgresql://nobody@127.0.0.1:9/unused") -> float:
    """A new interpreter: import the entry point, answer one signed interaction (a PING unless given; function
    URL event). (ms from process start to exit, ms of the entry point's import and first answer inside it)."""
    from nacl.signing import SigningKey
    key = SigningKey.generate()
    body = json.dumps({**interaction, "id": ix.snowflake()} if interaction else ping()).encode()  # a new id: not a redelivery
    invocations = work / "ping.json"
    event = function_url_event(body, signed_headers(key, body))
    invocations.write_text(json.dumps({"entry": entry, "events": [{"name": "first", "event": event}]}))
    env = {"PATH": os.environ["PATH"], "LANG": "C.UTF-8", "AWS_LAMBDA_FUNCTION_NAME": "statussync-bench",
           "AWS_REGION": "us-east-1", "AWS_DEFAULT_REGION": "us-east-1", "PYTHONDONTWRITEBYTECODE": "1",
           "DATABASE_URL": database_url, "DISCORD_APPLICATION_ID": "100000000000000001",
           "DISCORD_PUBLIC_KEY": key.verify_key.encode().hex(), "DISCORD_BOT_TOKEN": "bench", "SECRET_KEY": "bench",
           "DISCORD_API_BASE": "http://127.0.0.1:9/api/v10"}
    started = time.perf_counter()
    subprocess.run([str(venv() / "bin" / "python"), "-I", "-S", str(ROOT / "tests" / "lambda_runtime.py"),
                    str(task_root), str(runtime), str(invocations), str(work / "ping-result.json")],
                   cwd=task_root, env=env, check=True, capture_output=True)
    elapsed = (time.perf_counter() - started) * 1000
    result = json.loads((work / "ping-result.json").read_text())["results"][0]
    assert result.get("response", {}).get("statusCode") == 200, result
    if interaction is not None:
        assert json.loads(result["response"]["body"])["data"]["embeds"], result
    return elapsed, result["ms"]  # the whole process; the entry point's import and first answer alone


def report_cold_start(zip_path: Path, stage: str, runs: int):
    config_view = ix.command("config", [ix.sub("view")], permissions=ix.MANAGE_GUILD)
    with tempfile.TemporaryDirectory() as tmp, throwaway_database() as database_url:
        work = Path(tmp)
        runtime = lambda_runtime_dir(work)
        shipped, compiled = work / "shipped", work / "compiled"
        for target in (shipped, compiled):
            with zipfile.ZipFile(zip_path) as archive:
                archive.extractall(target)
            (target / "bare_entry.py").write_text(BARE_ENTRY)
        # Timestamp-checked .pyc files never match a zip's 1980 dates; unchecked-hash ones load as they are.
        subprocess.run([str(venv() / "bin" / "python"), "-m", "compileall", "-q", "-j", "0",
                        "--invalidation-mode", "unchecked-hash", str(compiled)], check=True, capture_output=True)
        entry = stage_settings(stage)["lambda_handler"]
        shipped_label, bare_label = f"PING, as shipped ({entry}, sources only)", "PING, bare Flask + PyNaCl (same zip)"
        compiled_label, compiled_bare = f"PING, with unchecked-hash .pyc ({entry})", "PING, bare, with .pyc"
        cases = {shipped_label: (shipped, entry, None), bare_label: (shipped, "bare_entry.lambda_handler", None),
                 compiled_label: (compiled, entry, None), compiled_bare: (compiled, "bare_entry.lambda_handler", None),
                 "PING, Zappa's own handler.lambda_handler (imports boto3 first)": (shipped, "handler.lambda_handler",
                                                                                    None),
                 f"/config view, opens the database ({entry}, as shipped)": (shipped, entry, config_view)}
        timings = {label: [] for label in cases}
        for _ in range(runs):
            for label, (task_root, entry_point, interaction) in cases.items():
                timings[label].append(cold_start_ms(task_root, runtime, work, entry_point, interaction,
                                                    database_url))
    process = {label: statistics.median(s[0] for s in samples) for label, samples in timings.items()}
    inside = {label: statistics.median(s[1] for s in samples) for label, samples in timings.items()}
    print(f"\n  cold start → first signed interaction answered (function URL event, new interpreter), "
          f"median of {runs} interleaved runs:")
    print(f"  {'process':>8} {'import+answer':>14}")
    for label, samples in timings.items():
        print(f"  {process[label]:>5.0f} ms {inside[label]:>11.0f} ms  {label}   "
              f"(process min {min(s[0] for s in samples):.0f}, max {max(s[0] for s in samples):.0f})")
    fastest = {label: min(s[0] for s in samples) for label, samples in timings.items()}
    for app_label, floor_label in ((shipped_label, bare_label), (compiled_label, compiled_bare)):
        ratio, ratio_inside = process[app_label] / process[floor_label], inside[app_label] / inside[floor_label]
        print(f"  {app_label.split(' (')[0]}: {ratio:.2f}× bare for the whole process ({ratio_inside:.2f}× for the "
              f"import and answer alone; fastest run against fastest {fastest[app_label] / fastest[floor_label]:.2f}×)"
              f", target ≤ 1.25×: {'met' if ratio <= 1.25 else 'MISSED'}")
    print(f"  (load average {os.getloadavg()[0]:.2f} on {os.cpu_count()} CPUs: other work on the machine widens the "
          f"spread, the interleaving keeps it fair between the two)")


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("zip", nargs="?", type=Path)
    parser.add_argument("--stage", default="production")
    parser.add_argument("--cold-start", action="store_true")
    parser.add_argument("--runs", type=int, default=15)
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
