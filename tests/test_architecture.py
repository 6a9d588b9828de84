"""One writer, and reads through selectors: no app queries another app's tables itself.

import-linter (in `make lint`) keeps the imports going down the layers; an import cannot say
whether a model class is used as a type, a ForeignKey target or for a query, so this test
reads the source: a `Model.objects` (or `_default_manager`) of a model imported from another
app's `models` is a query of that app's tables that bypasses its selectors and services.
"""

import ast
from pathlib import Path

import ninhaoban

SRC = Path(ninhaoban.__file__).parent
MANAGERS = {"objects", "_default_manager"}
# The demo seeds the world it then reads back (which hall, which staff member), as a data
# migration would; it is the one client allowed to see every app's tables.
EXEMPT_APPS = {"demo"}


def _app(path: Path) -> str:
    return path.relative_to(SRC).parts[0]


def _models_imported(tree: ast.Module) -> dict[str, str]:
    """Local name -> owning app of every name imported from some `ninhaoban.<app>.models`."""
    found = {}
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.module:
            parts = node.module.split(".")
            if len(parts) == 3 and parts[0] == "ninhaoban" and parts[2] == "models":
                for alias in node.names:
                    found[alias.asname or alias.name] = parts[1]
    return found


def foreign_reads(source: str, app: str) -> list[tuple[int, str]]:
    """(line, "Model.objects") of each query of another app's model in one module of `app`."""
    tree = ast.parse(source)
    owners = _models_imported(tree)
    return [
        (node.lineno, f"{node.value.id}.{node.attr}")
        for node in ast.walk(tree)
        if isinstance(node, ast.Attribute)
        and node.attr in MANAGERS
        and isinstance(node.value, ast.Name)
        and owners.get(node.value.id, app) != app
    ]


def test_no_app_queries_another_apps_tables():
    offenders = [
        f"{path.relative_to(SRC.parent)}:{line}: {what}"
        for path in sorted(SRC.rglob("*.py"))
        if "migrations" not in path.parts
        and len(path.relative_to(SRC).parts) > 1
        and _app(path) not in EXEMPT_APPS
        for line, what in foreign_reads(path.read_text(encoding="utf-8"), _app(path))
    ]
    assert offenders == [], "read these through the owning app's selectors:\n" + "\n".join(
        offenders
    )


def test_the_scan_tells_a_query_from_a_type_or_an_own_model():
    source = (
        "from ninhaoban.cases.models import Case, Status\n"
        "from ninhaoban.portal.models import Page\n"
        "def f(case: Case) -> int:\n"
        "    Page.objects.count()\n"
        "    return Case.objects.filter(status=Status.CLOSED).count()\n"
    )
    assert foreign_reads(source, "portal") == [(5, "Case.objects")]
    assert foreign_reads(source, "cases") == [(4, "Page.objects")]


PAGE_APPS = {"portal", "console", "kiosk"}


def test_pages_live_only_in_the_page_apps():
    """Domain apps keep models, services, selectors and their API router: a view module, a
    URL module, a template or a static file elsewhere is a page outside portal, console and
    kiosk (docs/DESIGN.md)."""
    misplaced = sorted(
        str(path.relative_to(SRC))
        for app in SRC.iterdir()
        if app.is_dir() and app.name not in PAGE_APPS
        for pattern in (
            "views.py",
            "*_views.py",
            "urls.py",
            "*_urls.py",
            "templates",
            "templatetags",
            "static",
        )
        for path in app.rglob(pattern)
    )
    assert misplaced == []
