"""The apps' imports point one way, and no module imports itself back through others.

accounts <- stations <- charter <- bookings <- api, the admin above the domain.

A domain module (models, services, selectors, views, tasks...) may import its own app
and the apps below it, never one above: the stations do not know the charter, the
charter does not know the bookings. The admin (admin.py, admin_*.py, admin_views/) and
the management commands sit above the domain and may reach across; migrations are
history. The test reads every module's import statements, including those inside
functions.
"""

import ast
from graphlib import CycleError, TopologicalSorter
from pathlib import Path

from django.conf import settings

LAYERS = ("accounts", "stations", "charter", "bookings", "api")
ABOVE_THE_DOMAIN = ("admin_views", "management", "migrations")


def _is_above_the_domain(relative: Path) -> bool:
    return (
        relative.name == "admin.py"
        or relative.name.startswith("admin_")
        or any(part in ABOVE_THE_DOMAIN for part in relative.parts)
    )


def _imported_apps(path: Path) -> set[str]:
    apps = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            apps.add(node.module.split(".")[0])
        elif isinstance(node, ast.Import):
            apps.update(alias.name.split(".")[0] for alias in node.names)
    return apps & set(LAYERS)


def _wrong_way_imports() -> list[str]:
    root = Path(settings.BASE_DIR)
    wrong = []
    for rank, app in enumerate(LAYERS):
        above = set(LAYERS[rank + 1 :])
        for path in sorted((root / app).rglob("*.py")):
            relative = path.relative_to(root / app)
            if _is_above_the_domain(relative):
                continue
            wrong += [f"{app}/{relative} imports {other}" for other in sorted(_imported_apps(path) & above)]
    return wrong


def test_no_domain_module_imports_an_app_above_its_own():
    assert _wrong_way_imports() == []


def test_the_check_sees_an_import_inside_a_function(tmp_path):
    module = tmp_path / "sample.py"
    module.write_text("def f():\n    from bookings.models import Booking\n    return Booking\n")

    assert _imported_apps(module) == {"bookings"}


def _project_modules() -> dict[str, Path]:
    root = Path(settings.BASE_DIR)
    modules = {}
    for app in (*LAYERS, "config"):
        for path in (root / app).rglob("*.py"):
            parts = list(path.relative_to(root).with_suffix("").parts)
            if "migrations" in parts:
                continue
            modules[".".join(parts[:-1] if parts[-1] == "__init__" else parts)] = path
    return modules


def _known(name: str, modules) -> str | None:
    """The project module a dotted name is, or lies in (a class or function of it)."""
    while name and name not in modules:
        name = name.rpartition(".")[0]
    return name or None


def _module_imports(module: str, path: Path, modules) -> set[str]:
    package = module.split(".") if path.name == "__init__.py" else module.split(".")[:-1]
    found = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found.update(_known(alias.name, modules) for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            if node.level:  # relative: from the package, one level up per dot after the first
                base = ".".join([*package[: len(package) - node.level + 1], node.module or ""])
            else:
                base = node.module
            found.update(_known(f"{base.strip('.')}.{alias.name}", modules) for alias in node.names)
    return found - {None, module}


def test_no_module_imports_itself_back_through_others():
    modules = _project_modules()
    graph = {module: _module_imports(module, path, modules) for module, path in modules.items()}

    try:
        TopologicalSorter(graph).prepare()
    except CycleError as cycle:
        raise AssertionError(f"import cycle: {' -> '.join(cycle.args[1])}") from None
