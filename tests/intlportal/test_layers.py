"""The layers of the code base (docs/ENGINEERING.md, "Layers"): an app imports only the apps
below it, no import closes a cycle, settings are declared in one place, and the worker knows
every task the beat schedules.

    intlportal ← faculties ← staff ← exchanges ← programs ← assessment
               ← dataexchange, notifications ← workqueue, api ← demo

Imports are read from the source (``ast``): module-level ones, function-level ones and those
under ``TYPE_CHECKING`` alike, so that hiding an import in a function does not hide the
dependency.
"""

from __future__ import annotations

import ast
import fnmatch
import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings

ROOT = Path(__file__).resolve().parents[2]

# Higher imports lower; apps on the same level are independent of each other.
LAYERS = {
    "intlportal": 0,
    "faculties": 1,
    "staff": 2,
    "exchanges": 3,
    "programs": 4,  # a programme's partner is an exchanges.PartnerInstitution
    "trips": 4,  # a trip's members are staff.StaffMember, its partner and funding from exchanges
    "visits": 4,  # a visit's host is a staff.StaffMember; closing it writes exchanges' mobilities and events
    "accounts": 3,  # sign-in maps a person onto a user; the office's pages assign faculties, show staff records
    "documents": 5,  # the office's documents are made from visits, trips and mobilities
    "assessment": 5,  # reads every domain app
    "dataexchange": 6,
    "notifications": 6,
    "workqueue": 7,  # the office's pages over the domain apps
    "api": 7,
    "demo": 8,  # seed_demo and the benchmark's large data set: everything
}

# An app's plug-in modules are loaded by the app above that hosts them, never by their own app:
# <app>/dataexchange.py by DataexchangeConfig.ready (autodiscover), <app>/demo.py and
# faculties/plan_demo.py by seed_demo.  They stand on the host's level.
PLUGINS = {"dataexchange.py": "dataexchange", "demo.py": "demo", "plan_demo.py": "demo"}

# The root URLconf and the settings name every app (INSTALLED_APPS, include("app.urls"), the
# beat schedule's task names) by string: that is their job, and they stand outside the layers.
OUTSIDE = {"intlportal/urls.py", "intlportal/settings.py", "intlportal/settings_test.py"}

# (importing module pattern, imported module, why): as few as possible, each explained.
ALLOWED = [
    ("*/migrations/*", "dataexchange.migration_checks",
     "a migration adding an import key's unique constraint first refuses existing duplicates "
     "(issue 20); migration_checks imports no app"),
    ("assessment/exports.py", "dataexchange.writing",
     "the ranking workbook goes through the one formula-neutralising sheet writer (issue 12)"),
]


def _project_modules():
    for app in LAYERS:
        for path in sorted((ROOT / app).rglob("*.py")):
            yield path.relative_to(ROOT)


def _module_name(path: Path) -> str:
    parts = path.with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _imports(path: Path):
    """(line, imported module) of every absolute import in the file, at any depth."""
    tree = ast.parse((ROOT / path).read_text(encoding="utf-8"), filename=str(path))
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for alias in node.names:
                yield node.lineno, alias.name
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            yield node.lineno, node.module
            for alias in node.names:  # ``from dataexchange import registry`` imports a module
                yield node.lineno, f"{node.module}.{alias.name}"


def _layer_of(path: Path) -> tuple[str, int]:
    host = PLUGINS.get(path.name) if len(path.parts) == 2 else None
    app = host or path.parts[0]
    return app, LAYERS[app]


def _matches(path: Path, module: str, pattern: str, target: str) -> bool:
    return fnmatch.fnmatch(str(path), pattern) and (module == target or module.startswith(f"{target}."))


def _allowed(path: Path, module: str) -> bool:
    return any(_matches(path, module, pattern, target) for pattern, target, _why in ALLOWED)


def _upward_imports():
    for path in _project_modules():
        if str(path) in OUTSIDE:
            continue
        app, level = _layer_of(path)
        for line, module in _imports(path):
            top = module.split(".")[0]
            if top not in LAYERS or top in (app, path.parts[0]):
                continue
            if LAYERS[top] >= level and not _allowed(path, module):
                yield f"{path}:{line} ({app}, level {level}) imports {module} (level {LAYERS[top]})"


def test_no_app_imports_an_app_above_it_or_beside_it():
    assert sorted(set(_upward_imports())) == []


def test_every_allowed_exception_is_still_needed():
    used = set()
    for path in _project_modules():
        for _line, module in _imports(path):
            for pattern, target, _why in ALLOWED:
                if _matches(path, module, pattern, target):
                    used.add((pattern, target))
    assert {(pattern, target) for pattern, target, _why in ALLOWED} == used


def test_the_layers_list_every_app():
    installed = {app for app in settings.INSTALLED_APPS if (ROOT / app / "apps.py").exists()}
    assert installed == set(LAYERS)


def test_plugin_modules_are_not_imported_by_their_own_app():
    """<app>/dataexchange.py and <app>/demo.py belong to the layer that loads them: their own
    app must not import them, or it would reach that layer through them."""
    for path in _project_modules():
        for line, module in _imports(path):
            parts = module.split(".")
            if len(parts) == 2 and parts[0] in LAYERS and f"{parts[1]}.py" in PLUGINS:
                _app, importer_level = _layer_of(path)
                assert importer_level >= LAYERS[PLUGINS[f"{parts[1]}.py"]], f"{path}:{line} imports {module}"


def _import_graph() -> dict[str, set[str]]:
    modules = {_module_name(path): path for path in _project_modules()}
    return {name: {m for _line, m in _imports(path) if m in modules and m != name}
            for name, path in modules.items()}


def _cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """The strongly connected components of more than one module (Tarjan)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []

    def visit(v: str) -> None:
        index[v] = low[v] = len(index)
        stack.append(v)
        on_stack.add(v)
        for w in sorted(graph[v]):
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on_stack:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            component = []
            while True:
                w = stack.pop()
                on_stack.discard(w)
                component.append(w)
                if w == v:
                    break
            if len(component) > 1:
                found.append(sorted(component))

    for v in sorted(graph):
        if v not in index:
            visit(v)
    return found


def test_no_import_cycle_between_modules_even_through_function_level_imports():
    assert _cycles(_import_graph()) == []


def test_the_cycle_check_sees_a_cycle_closed_inside_a_function():
    graph = {"a.services": {"a.tasks"}, "a.tasks": {"a.reminders"}, "a.reminders": {"a.services"}, "b": set()}
    assert _cycles(graph) == [["a.reminders", "a.services", "a.tasks"]]


class _SettingsDefaults(ast.NodeVisitor):
    def __init__(self):
        self.found: list[tuple[int, str]] = []

    def visit_Call(self, node: ast.Call) -> None:
        if (isinstance(node.func, ast.Name) and node.func.id == "getattr" and node.args
                and isinstance(node.args[0], ast.Name) and node.args[0].id == "settings"):
            self.found.append((node.lineno, ast.unparse(node)))
        self.generic_visit(node)


def test_settings_are_declared_in_settings_py_not_defaulted_where_they_are_read():
    """``getattr(settings, X, default)`` hides a setting from settings.py (and from the
    environment): declare it there and read ``settings.X``."""
    found = []
    for path in _project_modules():
        visitor = _SettingsDefaults()
        visitor.visit(ast.parse((ROOT / path).read_text(encoding="utf-8")))
        found += [f"{path}:{line}: {code}" for line, code in visitor.found]
    assert found == []


# Read through settings.X (they used to be getattr defaults): each is overridable from the
# environment with its own name.
FROM_ENVIRONMENT = [
    "MAX_DOCUMENT_UPLOAD_BYTES", "DATAEXCHANGE_MAX_UPLOAD_BYTES", "DATAEXCHANGE_MAX_ROWS",
    "DATAEXCHANGE_MAX_EMPTY_ROWS", "DATAEXCHANGE_MAX_COLUMNS", "DATAEXCHANGE_MAX_CELL_CHARS",
    "DATAEXCHANGE_XLSX_MAX_BYTES", "DATAEXCHANGE_XLSX_MAX_PART_BYTES", "DATAEXCHANGE_MAX_STORED_MESSAGE_CHARS",
    "ASSESSMENT_RECOMPUTE_DELAY", "ASSESSMENT_SWEEP_SECONDS", "ASSESSMENT_RECOMPUTE_RETRIES",
    "IMPORT_JOB_STALE_SECONDS", "NOTIFICATION_EMAIL_LEASE_SECONDS", "NOTIFICATION_EMAIL_SWEEP_AFTER_SECONDS",
    "NOTIFICATION_EMAIL_SWEEP_BATCH", "NOTIFICATION_EMAIL_SWEEP_MAX_AGE_DAYS",
]


def _fresh_process(code: str, **env: str) -> str:
    """Run ``code`` in a new interpreter with Django set up (the settings are read once)."""
    environment = {**os.environ, "DJANGO_SETTINGS_MODULE": "intlportal.settings", **env}
    environment.pop("DATABASE_URL", None)
    done = subprocess.run(  # noqa: S603 - our own interpreter and code
        [sys.executable, "-c", f"import django; django.setup()\n{code}"],
        cwd=ROOT, env=environment, capture_output=True, text=True, timeout=120, check=False)
    assert done.returncode == 0, done.stderr
    return done.stdout


@pytest.mark.parametrize("name", FROM_ENVIRONMENT)
def test_a_former_getattr_setting_is_declared(name):
    assert isinstance(getattr(settings, name), int)


def test_the_former_getattr_settings_are_read_from_the_environment():
    values = {name: str(1000 + n) for n, name in enumerate(FROM_ENVIRONMENT)}
    out = _fresh_process("from django.conf import settings\n"
                         f"print([getattr(settings, name) for name in {FROM_ENVIRONMENT!r}])", **values)
    assert out.strip() == str([int(values[name]) for name in FROM_ENVIRONMENT])


def test_the_worker_registers_every_task_the_beat_schedules():
    """A worker imports each app's tasks.py and CELERY_IMPORTS: every scheduled task must be
    found there (a task defined elsewhere and never imported would be "unregistered")."""
    out = _fresh_process(
        "from intlportal.celery import app\n"
        "app.loader.import_default_modules()\n"
        "print(sorted(app.tasks))",
        CELERY_BROKER_URL="", REDIS_URL="")
    registered = set(ast.literal_eval(out.strip().splitlines()[-1]))
    scheduled = {entry["task"] for entry in settings.CELERY_BEAT_SCHEDULE.values()}
    assert scheduled <= registered, scheduled - registered
