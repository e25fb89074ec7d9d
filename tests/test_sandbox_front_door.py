"""README's two commands on a stock Debian Python (PEP 668: `pip install` outside a venv is refused), in a
fresh copy of the checkout, with no pyenv on PATH: `./run` makes its own venv, serves, and its start-up output
ends with the sandbox's URL; `./run try` renders answers (and waits for a deferred one); `./run test` runs
pytest from the same venv. Bounded: pip installs from the machine's wheel cache (PIP_FIND_LINKS, pip.conf),
and the served app uses the test database instead of starting an embedded PostgreSQL."""
import os
import shutil
import socket
import subprocess
import time
from pathlib import Path

import pytest
import requests

ROOT = Path(__file__).resolve().parents[1]
SYSTEM_PYTHON = Path("/usr/bin/python3")
SETUP_TIMEOUT_S = 240


def stock_python_or_fail():
    if not SYSTEM_PYTHON.exists():
        pytest.fail("no /usr/bin/python3: this test proves the front door on Debian's own Python")
    stdlib = subprocess.run([str(SYSTEM_PYTHON), "-c", "import sysconfig; print(sysconfig.get_path('stdlib'))"],
                            capture_output=True, text=True, check=True).stdout.strip()
    return (Path(stdlib) / "EXTERNALLY-MANAGED").exists()


def fresh_checkout(target: Path) -> Path:
    """The files git knows of (committed or not) and new ones not ignored: what a fresh clone would hold."""
    listed = subprocess.run(["git", "ls-files", "-z", "--cached", "--others", "--exclude-standard"], cwd=ROOT,
                            capture_output=True, check=True).stdout.split(b"\0")
    for name in filter(None, (n.decode() for n in listed)):
        source = ROOT / name
        if source.is_file():
            (target / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source, target / name)
    return target


def stock_environment(**extra) -> dict:
    """PATH without pyenv, cargo or /usr/local: `python3` is Debian's. pip keeps the machine's own config."""
    keep = {k: v for k, v in os.environ.items() if k in ("HOME", "LANG", "PIP_FIND_LINKS", "PIP_CERT",
                                                         "PIP_DEFAULT_TIMEOUT", "PIP_DISABLE_PIP_VERSION_CHECK")}
    return {**keep, "PATH": "/usr/bin:/bin", **extra}


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def test_readme_commands_on_a_stock_debian_python(tmp_path, clean_db):
    externally_managed = stock_python_or_fail()
    checkout = fresh_checkout(tmp_path / "statussync")
    env = stock_environment(DATABASE_URL=clean_db, PORT=str(free_port()))
    assert subprocess.run(["sh", "-c", "command -v python3"], env=env, capture_output=True, text=True
                          ).stdout.strip() == str(SYSTEM_PYTHON)
    if externally_managed:  # what README's old `pip install -r requirements.txt` meets here
        refused = subprocess.run([str(SYSTEM_PYTHON), "-m", "pip", "install", "--dry-run", "flask"], env=env,
                                 capture_output=True, text=True)
        assert refused.returncode != 0
        assert "externally-managed-environment" in refused.stderr or "No module named pip" in refused.stderr

    # ./run test: the venv is made from Debian's python3 and pytest runs from it
    tested = subprocess.run(["./run", "test", "--version"], cwd=checkout, env=env, capture_output=True, text=True,
                            timeout=SETUP_TIMEOUT_S)
    assert tested.returncode == 0, tested.stderr[-2000:]
    assert "pytest" in tested.stdout + tested.stderr
    venv_config = (checkout / ".venv" / "pyvenv.cfg").read_text()
    assert "home = /usr/bin" in venv_config

    # ./run: serves, and the start-up output ends with the sandbox's URL
    server = subprocess.Popen(["./run"], cwd=checkout, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                              text=True)
    try:
        lines, deadline = [], time.monotonic() + 60
        while time.monotonic() < deadline:
            line = server.stdout.readline()
            if not line:
                break
            lines.append(line.rstrip())
            if "/sandbox" in line:
                break
        url = f"http://127.0.0.1:{env['PORT']}/sandbox"
        assert lines and lines[-1].startswith(f"Sandbox: {url}"), "\n".join(lines)
        page = requests.get(url, timeout=10)
        assert page.status_code == 200 and "StatusSync sandbox" in page.text

        def run_try(*args):
            done = subprocess.run(["./run", "try", *args], cwd=checkout, env=env, capture_output=True, text=True,
                                  timeout=60)
            assert done.returncode == 0, done.stderr[-2000:]
            return done.stdout

        warned = run_try("/warn user:bob reason:spamming invites", "--as", "max")
        assert "Max used /warn" in warned and "Case #1" in warned and "Warned @Bob: spamming invites" in warned
        assert "only you can see this" in warned
        ranked = run_try("/rank", "--as", "bob")  # deferred: try waits for the card's edit
        assert "attachment: rank.png (image/png" in ranked and "thinking" not in ranked
        assert "level 0" in ranked
        paged = run_try("/cases", "--as", "max")
        assert "[Next (disabled)]" in paged and "Page 1 of 1" in paged
        raw = run_try("/config view", "--json")
        assert raw.startswith("HTTP 200\n{") and '"type": 4' in raw
        second = subprocess.run(["./run"], cwd=checkout, env=env, capture_output=True, text=True, timeout=60)
        assert second.returncode == 1 and f"can't listen on port {env['PORT']}" in second.stderr  # one line, no traceback
        assert "Traceback" not in second.stderr
    finally:
        server.terminate()
        server.wait(timeout=10)
