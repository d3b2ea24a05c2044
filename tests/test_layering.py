"""Layering: services change state, selectors read, permissions load and check; tasks call
services, never the other way round.

A read left in a services module invites callers to treat `services` as the place to ask
questions too, and hides which functions change the database. These tests read the source
with `ast` (nothing is imported or run), so they hold for code no test exercises yet.
"""

import ast
import importlib
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
# Every services module: `<app>/services.py`, or each module of an `<app>/services/` package.
SERVICES = sorted([*ROOT.glob("*/services.py"), *ROOT.glob("*/services/*.py")])
# Modules a task calls, which therefore must not import a tasks module back.
CALLED_BY_TASKS = sorted([*SERVICES, *ROOT.glob("*/delivery.py"), *ROOT.glob("*/delivery/*.py")])


def _app(path: Path) -> str:
    return path.relative_to(ROOT).parts[0]


def _where(path: Path) -> str:
    return str(path.relative_to(ROOT))


# Each read that once sat in a services module, and where it lives now.
MOVED_READS = {
    "batch_progress": "roles.selectors",
    "managers_of": "roles.selectors",
    # The invitee pages' loader: holding the link's token is the access to see the invitation.
    "invitation_for_token": "roles.permissions",
    # Who may register an enterprise: asked by the view, asked again by the service.
    "is_legal_representative": "enterprises.permissions",
    "registration_check": "enterprises.permissions",
}

# Calls that change state (the ORM's writes, the audit trail, the outbox, guardian, locks
# and the cache counters of the rate limits). A public services function that reaches none
# of them, directly or through the module's other functions, only reads.
WRITE_CALLS = {
    "add",
    "apply_async",
    "assign_perm",
    "atomic",
    "audit",
    "bulk_create",
    "bulk_update",
    "claim",
    "create",
    "delay",
    "delay_on_commit",
    "delete",
    "enqueue",
    "enqueue_delivery",
    "get_or_create",
    "incr",
    "on_commit",
    "remove_perm",
    "save",
    "select_for_update",
    "send",
    "set",
    "set_password",
    "update",
    "update_or_create",
}

# Functions of services modules that write nothing, each with why it stays.
PURE_ALLOWED = {
    # Reading the uploaded file, not the database: the CSV half of `batch_parse`, apart so
    # that the file's rules (encoding, columns, each row's checks) read as one module.
    ("roles", "csv_lines"),
    ("roles", "csv_rows"),
    # The signing half of `email_change_verify`: the salt and the token format live in one
    # module.
    ("roles", "email_change_token"),
    # What publishing would write and why it would refuse: the publishing service's own
    # preview, shown by the admin before it calls the service.
    ("wizard", "page_snapshot"),
    ("wizard", "page_problems"),
}


def _project_modules():
    for path in sorted(ROOT.rglob("*.py")):
        parts = path.relative_to(ROOT).parts
        if parts[0].startswith(".") or "node_modules" in parts or parts[0] == "var":
            continue
        yield path


def _called_name(call: ast.Call) -> str | None:
    if isinstance(call.func, ast.Attribute):
        return call.func.attr
    if isinstance(call.func, ast.Name):
        return call.func.id
    return None


def _read_only_functions(path: Path) -> list[str]:
    tree = ast.parse(path.read_text(), filename=str(path))
    functions = {node.name: node for node in tree.body if isinstance(node, ast.FunctionDef)}
    calls = {
        name: {_called_name(n) for n in ast.walk(node) if isinstance(n, ast.Call)}
        for name, node in functions.items()
    }

    def writes(name: str, seen: frozenset = frozenset()) -> bool:
        called = calls[name]
        if called & WRITE_CALLS:
            return True
        return any(
            writes(other, seen | {name})
            for other in called & functions.keys()
            if other not in seen and other != name
        )

    return [name for name in functions if not name.startswith("_") and not writes(name)]


@pytest.mark.parametrize("name", sorted(MOVED_READS))
def test_a_moved_read_is_not_defined_in_any_services_module(name):
    for path in SERVICES:
        tree = ast.parse(path.read_text(), filename=str(path))
        defined = {
            node.name
            for node in tree.body
            if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef)
        }
        assigned = {
            target.id
            for node in tree.body
            if isinstance(node, ast.Assign)
            for target in node.targets
            if isinstance(target, ast.Name)
        }
        imported = {
            alias.asname or alias.name
            for node in ast.walk(tree)
            if isinstance(node, ast.ImportFrom)
            for alias in node.names
        }
        # Not defined, not aliased, not imported: `services.<name>` does not resolve, so no
        # caller can keep asking services for it.
        where = path.relative_to(ROOT)
        assert name not in defined | assigned, f"{name} is defined in {where}"
        assert name not in imported, f"{where} imports {name}: call it through its module"


@pytest.mark.parametrize(("name", "home"), sorted(MOVED_READS.items()))
def test_a_moved_read_lives_in_its_selectors_or_permissions_module(name, home):
    module = importlib.import_module(home)
    assert module.__dict__[name].__module__ == home


def test_nothing_asks_a_services_module_for_a_moved_read():
    found = []
    for path in _project_modules():
        tree = ast.parse(path.read_text(), filename=str(path))
        for node in ast.walk(tree):
            if (
                isinstance(node, ast.Attribute)
                and node.attr in MOVED_READS
                and isinstance(node.value, ast.Name)
                and node.value.id.endswith("services")
            ):
                found.append(f"{path.relative_to(ROOT)}:{node.lineno} {node.value.id}.{node.attr}")
            if (
                isinstance(node, ast.ImportFrom)
                and (node.module or "").endswith("services")
                and any(alias.name in MOVED_READS for alias in node.names)
            ):
                found.append(f"{path.relative_to(ROOT)}:{node.lineno} from {node.module}")
    assert found == []


def test_the_views_take_the_moved_reads_from_selectors_or_permissions():
    used = {}
    for path in sorted(ROOT.glob("*/views*.py")):
        tree = ast.parse(path.read_text(), filename=str(path))
        for node in ast.walk(tree):
            if isinstance(node, ast.ImportFrom) and node.module:
                for alias in node.names:
                    if alias.name in MOVED_READS:
                        used[alias.name] = node.module
            if (
                isinstance(node, ast.Attribute)
                and node.attr in MOVED_READS
                and isinstance(node.value, ast.Name)
            ):
                used[node.attr] = f"{path.parent.name}.{node.value.id}"
    # Every moved read a view uses today, taken from where it lives.
    assert used == {
        "batch_progress": "roles.selectors",
        "invitation_for_token": "roles.permissions",
        "is_legal_representative": "enterprises.permissions",
        "registration_check": "enterprises.permissions",
    }


@pytest.mark.parametrize("path", SERVICES, ids=_where)
def test_every_public_services_function_changes_state(path):
    read_only = {(_app(path), name) for name in _read_only_functions(path)}
    assert read_only - PURE_ALLOWED == set(), "a read in services: move it to selectors"


def test_the_write_heuristic_sees_a_read_and_a_write(tmp_path):
    # The heuristic itself: a read is reported, a write (even through a helper) is not.
    source = (
        "def thing_for(pk):\n    return Thing.objects.filter(pk=pk).first()\n"
        "def _store(thing):\n    thing.save()\n"
        "def thing_touch(*, thing):\n    _store(thing)\n"
    )
    path = tmp_path / "services.py"
    path.write_text(source)
    assert _read_only_functions(path) == ["thing_for"]


# --- No import cycles: tasks import services and delivery, never the other way round ------


def _imports_of_tasks(path: Path) -> list[str]:
    """Every import of a `tasks` module in `path`, at module level or inside a function
    (a lazy import is still a cycle: it only moves the failure to run time)."""
    tree = ast.parse(path.read_text(), filename=str(path))
    found = []
    for node in ast.walk(tree):
        names: list[str] = []
        if isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            module = node.module or ""
            names = [module] + [f"{module}.{alias.name}".lstrip(".") for alias in node.names]
        elif (
            isinstance(node, ast.Call)
            and _called_name(node) in {"import_module", "__import__"}
            and node.args
            and isinstance(node.args[0], ast.Constant)
            and isinstance(node.args[0].value, str)
        ):
            names = [node.args[0].value]
        if any(name == "tasks" or name.endswith(".tasks") for name in names):
            found.append(
                f"{path.relative_to(ROOT) if path.is_relative_to(ROOT) else path}:{node.lineno}"
            )
    return found


@pytest.mark.parametrize("path", CALLED_BY_TASKS, ids=_where)
def test_no_services_or_delivery_module_imports_a_tasks_module(path):
    # Services enqueue by name (`portal.outbox.enqueue(task_names.X, ...)`): the tasks
    # import what they call, and nothing imports back up.
    assert _imports_of_tasks(path) == []


def test_the_tasks_import_check_sees_every_form_of_import(tmp_path):
    path = tmp_path / "services.py"
    path.write_text(
        "from roles import tasks\n"
        "def a():\n    from enterprises.tasks import send_designation_link\n"
        "def b():\n    import accounts.tasks\n"
        "def c():\n    from . import tasks\n"
        "def d():\n    importlib.import_module('roles.tasks')\n"
        "from roles import task_names, delivery\n"  # not a tasks module
    )
    assert [where.rsplit(":", 1)[1] for where in _imports_of_tasks(path)] == [
        "1",
        "3",
        "5",
        "7",
        "9",
    ]


def _enqueued_names() -> list[tuple[str, str]]:
    """(where, task name) of every `enqueue(...)` call outside the tests: its first argument
    must be a `task_names` constant (or a literal), so that it can be checked here."""
    found = []
    for path in _project_modules():
        if "tests" in path.relative_to(ROOT).parts:
            continue
        tree = ast.parse(path.read_text(), filename=str(path))
        task_names_module = {
            alias.asname or alias.name: f"{node.module}.{alias.name}"
            for node in ast.walk(tree)
            if isinstance(node, ast.ImportFrom)
            for alias in node.names
            if alias.name == "task_names"
        }
        for node in ast.walk(tree):
            if not (isinstance(node, ast.Call) and _called_name(node) == "enqueue"):
                continue
            where = f"{path.relative_to(ROOT)}:{node.lineno}"
            first = node.args[0] if node.args else None
            if isinstance(first, ast.Constant) and isinstance(first.value, str):
                found.append((where, first.value))
            elif (
                isinstance(first, ast.Attribute)
                and isinstance(first.value, ast.Name)
                and first.value.id in task_names_module
            ):
                module = importlib.import_module(task_names_module[first.value.id])
                found.append((where, getattr(module, first.attr, f"<no {first.attr}>")))
            else:
                found.append((where, f"<not a task name: {ast.unparse(first) if first else ''}>"))
    return found


def test_every_enqueued_task_name_is_a_registered_task():
    from portal.celery import app

    enqueued = _enqueued_names()
    assert len(enqueued) >= 10  # the scan sees the services' calls (not vacuously true)
    unknown = [(where, name) for where, name in enqueued if name not in app.tasks]
    assert unknown == []


# --- Views never filter by hand ------------------------------------------------------------

# The views, and the JSON APIs' views (`relying/api.py`).
VIEWS = sorted([*ROOT.glob("*/views*.py"), *ROOT.glob("*/api.py")])
# Reads a view may still spell out, each with why (none today: add one only with a reason).
VIEW_QUERY_ALLOWED: dict[tuple[str, str], str] = {}


def _hand_made_queries(path: Path) -> list[str]:
    """`Model.objects...` and any `.filter(` call in a module: the loaders' and selectors' job."""
    tree = ast.parse(path.read_text(), filename=str(path))
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Attribute) and node.attr == "objects":
            found.append(f"{node.lineno}: .objects")
        if (
            isinstance(node, ast.Call)
            and isinstance(node.func, ast.Attribute)
            and node.func.attr in {"filter", "exclude", "get_queryset"}
        ):
            found.append(f"{node.lineno}: .{node.func.attr}(")
    return sorted(found, key=lambda hit: int(hit.split(":")[0]))


@pytest.mark.parametrize("path", VIEWS, ids=lambda p: str(p.relative_to(ROOT)))
def test_a_view_module_asks_loaders_and_selectors_never_the_orm(path):
    where = str(path.relative_to(ROOT))
    found = [
        hit
        for hit in _hand_made_queries(path)
        if (where, hit.split(": ")[1]) not in VIEW_QUERY_ALLOWED
    ]
    assert found == [], (
        f"{where} queries by hand: move it to a loader (permissions.py) or a selector"
    )


def test_the_view_scan_sees_a_hand_made_query(tmp_path):
    path = tmp_path / "views.py"
    path.write_text(
        "def page(request, pk):\n"
        "    thing = Thing.objects.get(pk=pk)\n"
        "    return thing.parts.filter(kind='a')\n"
    )
    assert _hand_made_queries(path) == ["2: .objects", "3: .filter("]
