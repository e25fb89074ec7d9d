"""Layers point one way: commands/ → feature services → app/discord, app/db. Read from the source (ast), so
an import inside a function counts as much as one at the top."""
import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]

# The wiring at the top: the app factory registers the interactions blueprint and picks the deferred
# runner; the feature registry hands commands/' declarations to the dispatcher.
FACTORY, REGISTRY = "app/__init__.py", "app/features.py"
BOTTOM = ("app/discord/", "app/db.py", "app/db_pool.py", "app/deadlines.py", "app/errors.py", "app/config.py")
BOTTOM_MAY_USE = ("app.discord", "app.db_pool", "app.errors", "app.deadlines", "app.config")
SERVICES = ("app/moderation/", "app/automod/", "app/social/", "app/ai/", "app/jobs/", "app/dashboard_data/")


def module_name(path: Path) -> str:
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def imports(path: Path, text=None) -> list:
    """(line, absolute module name) of every import in the file (or `text` as if it were that file)."""
    package = module_name(path) if path.name == "__init__.py" else module_name(path).rpartition(".")[0]
    found = []
    for node in ast.walk(ast.parse(path.read_text() if text is None else text, str(path))):
        if isinstance(node, ast.Import):
            found += [(node.lineno, alias.name) for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")[: len(package.split(".")) - node.level + 1]
                target = ".".join(base + ([node.module] if node.module else []))
            else:
                target = node.module
            found.append((node.lineno, target))
            found += [(node.lineno, f"{target}.{alias.name}") for alias in node.names]  # from app import x
    return found


def sources(prefix="app/"):
    return sorted(p for p in ROOT.glob("app/**/*.py") if str(p.relative_to(ROOT)).startswith(prefix))


def under(name: str, package: str) -> bool:
    return name == package or name.startswith(package + ".")


def violations(paths, allowed, forbidden) -> list:
    return [f"{p.relative_to(ROOT)}:{line} imports {name}" for p in paths if str(p.relative_to(ROOT)) not in allowed
            for line, name in imports(p) if forbidden(name)]


def test_nothing_outside_app_interactions_imports_it_but_the_app_factory():
    outside = [p for p in sources() if not str(p.relative_to(ROOT)).startswith("app/interactions/")]
    assert violations(outside, {FACTORY, REGISTRY}, lambda name: under(name, "app.interactions")) == []


def test_nothing_under_app_imports_commands_but_the_registry():
    assert violations(sources(), {REGISTRY}, lambda name: under(name, "commands")) == []


def test_the_bottom_layer_imports_nothing_above_it():
    bottom = [p for p in sources() if str(p.relative_to(ROOT)).startswith(BOTTOM)]
    assert bottom, "the bottom layer moved: update BOTTOM"
    assert violations(bottom, set(), lambda name: under(name, "app") and name != "app" and not any(
        under(name, allowed) for allowed in BOTTOM_MAY_USE)) == []


def test_feature_services_and_jobs_use_no_flask():
    services = [p for p in sources() if str(p.relative_to(ROOT)).startswith(SERVICES)]
    assert violations(services, set(), lambda name: under(name, "flask") or under(name, "werkzeug")) == []


@pytest.mark.parametrize("source, expected", [
    ("from ..interactions import responses\n", "app.interactions"),
    ("from .. import interactions\n", "app.interactions"),
    ("def f():\n    import commands.rank\n", "commands.rank"),
])
def test_the_walk_sees_relative_and_function_level_imports(source, expected):
    probe = ROOT / "app" / "moderation" / "probe.py"
    assert any(under(name, expected) for _, name in imports(probe, source))


def test_deferred_work_and_dispatch_share_answers_without_importing_each_other():
    for name in ("app/interactions/deferred.py", "app/interactions/runners.py"):
        assert [n for _, n in imports(ROOT / name) if under(n, "app.interactions.dispatch")] == [], name
    assert [n for _, n in imports(ROOT / "app/interactions/dispatch.py")
            if under(n, "app.interactions.deferred") or under(n, "app.interactions.runners")] == []
    assert [n for _, n in imports(ROOT / "app/runtime.py") if under(n, "app.interactions")] == []
