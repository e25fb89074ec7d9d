"""The Lambda package's facts shared by its test and its bench: the stages as Zappa reads them, the venv
Zappa zips, and the build itself (`zappa package`, as `./run package` runs it)."""
import json
import os
import re
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
STAGE = "production"
FUNCTION_NAME = f"statussync-{STAGE}"
TARGET_BYTES = 25_000_000  # issue 9: the zip ≤ 25 MB without slim_handler
# What Lambda's Python runtime already has on its path (boto3 and its dependencies): never packaged.
LAMBDA_PROVIDES = ("boto3", "botocore", "s3transfer", "jmespath", "dateutil", "six.py")


def stage_settings(stage: str) -> dict:
    """A stage's settings with `extends` resolved the way Zappa's CLI resolves them."""
    settings = json.loads((ROOT / "zappa_settings.json").read_text())
    resolved = dict(settings[stage])
    while "extends" in resolved:
        parent = dict(settings[resolved.pop("extends")])
        parent.update(resolved)
        resolved = parent
    return resolved


def scheduled_functions(stage=STAGE) -> list:
    return [event["function"] for event in stage_settings(stage).get("events", [])]


def build_venv():
    """Zappa zips the active virtualenv: the one running this, else the worktree's .venv (None: neither)."""
    if sys.prefix != sys.base_prefix:
        return Path(sys.prefix)
    return ROOT / ".venv" if (ROOT / ".venv" / "bin" / "zappa").exists() else None


def venv_site_packages() -> Path:
    return next((build_venv() / "lib").glob("python3.*/site-packages"))


def build(stage: str, output: Path, no_aws_dir: Path) -> subprocess.CompletedProcess:
    """`zappa package STAGE -o OUTPUT` with no AWS account: dummy keys, no config files, no metadata service.
    --json also skips Zappa's "new version?" request to PyPI, so nothing leaves the machine."""
    venv = build_venv()
    env = {**os.environ, "VIRTUAL_ENV": str(venv), "PATH": f"{venv / 'bin'}{os.pathsep}{os.environ['PATH']}",
           "AWS_DEFAULT_REGION": "us-east-1", "AWS_ACCESS_KEY_ID": "AKIDPACKAGEONLY",
           "AWS_SECRET_ACCESS_KEY": "not-a-secret", "AWS_CONFIG_FILE": str(no_aws_dir / "config"),
           "AWS_SHARED_CREDENTIALS_FILE": str(no_aws_dir / "credentials"), "AWS_EC2_METADATA_DISABLED": "true"}
    env.pop("AWS_PROFILE", None)
    return subprocess.run([str(venv / "bin" / "zappa"), "package", stage, "-o", str(output), "--json",
                           "--disable_progress"], cwd=ROOT, env=env, capture_output=True, text=True, timeout=240)


def _normalized(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def _requirement_name(spec: str):
    found = re.match(r"\s*([A-Za-z0-9][A-Za-z0-9._-]*)", spec)
    return _normalized(found.group(1)) if found else None


def installed_distributions(site_packages: Path) -> dict:
    """{name: (names it requires outside extras, its top-level entries)} for each distribution installed."""
    found = {}
    for info in site_packages.glob("*.dist-info"):
        metadata = (info / "METADATA").read_text(errors="replace")
        requires = {_requirement_name(line) for line in re.findall(r"^Requires-Dist: (.+)$", metadata, re.M)
                    if "extra" not in line.partition(";")[2]}
        record = (info / "RECORD").read_text(errors="replace").splitlines() if (info / "RECORD").exists() else []
        tops = {row.split(",")[0].split("/")[0] for row in record if row} - {"..", "__pycache__", ""}
        found[_normalized(re.search(r"^Name: (.+)$", metadata, re.M).group(1).strip())] = (requires - {None}, tops)
    return found


def runtime_closure(distributions: dict) -> set:
    """requirements.txt and everything it pulls in: what the app may need at run time."""
    wanted = [_requirement_name(line) for line in (ROOT / "requirements.txt").read_text().splitlines()
              if line.strip() and not line.lstrip().startswith(("#", "-"))]
    closure = set()
    while wanted:
        name = wanted.pop()
        if name and name not in closure:
            closure.add(name)
            wanted += list(distributions.get(name, ((), ()))[0])
    return closure
