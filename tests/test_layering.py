"""Layering: services change state, selectors read, permissions load and check.

A read left in a services module invites callers to treat `services` as the place to ask
questions too, and hides which functions change the database. These tests read the source
with `ast` (nothing is imported or run), so they hold for code no test exercises yet.
"""

import ast
import importlib
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
SERVICES = sorted(ROOT.glob("*/services.py"))

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
    # Hashing, not reading; shared by the designation services (moves to `portal/` with
    # the other shared pieces).
    ("enterprises", "hash_token"),
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


@pytest.mark.parametrize("path", SERVICES, ids=lambda p: p.parent.name)
def test_every_public_services_function_changes_state(path):
    read_only = {(path.parent.name, name) for name in _read_only_functions(path)}
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


# --- Views never filter by hand ------------------------------------------------------------

VIEWS = sorted(ROOT.glob("*/views*.py"))
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
