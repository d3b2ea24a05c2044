"""The chain table (enterprises/chain.py) is the one place where designation kinds have rules.

(a) No string literal equal to a kind value in the portal's source outside the table and the
    model: a rule written as `kind == "gl"` elsewhere is a rule the table does not govern.
(b) Everything derived from the table agrees with it and points at things that exist.
"""

import ast
from pathlib import Path

import pytest
from django.apps import apps
from django.contrib.auth.models import Permission
from django.contrib.contenttypes.models import ContentType

from enterprises import chain, permissions, services
from enterprises.models import Designation, Enterprise, EnterpriseQuality
from portal import context_processors
from wizard import selectors as wizard_selectors
from wizard.content.pages import PAGES

ROOT = Path(__file__).resolve().parents[2]
SKIPPED_DIRS = {".venv", "node_modules", "tests", "migrations", "var", ".git"}
# Where a kind may be spelled: the table itself and the model that takes its choices from it.
ALLOWED_FILES = {"enterprises/chain.py", "enterprises/models.py"}
# The wizard's page, profile and link slugs are a namespace of their own: its "rae" page (the
# RAE profile) and its "gl" link key coincide with kind values but are no kinds. Only these
# values, only there.
ALLOWED_VALUES = {
    "wizard/content/pages.py": {chain.Kind.RAE.value, chain.Kind.GL.value},
    "wizard/selectors.py": {chain.Kind.RAE.value},
}
KIND_VALUES = {kind.value for kind in chain.Kind}


def kind_literals(source: str, allowed: set[str] = frozenset()) -> list[tuple[int, str]]:
    """(line, value) of each string constant equal to a kind value, `allowed` ones aside."""
    return sorted(
        (node.lineno, node.value)
        for node in ast.walk(ast.parse(source))
        if isinstance(node, ast.Constant)
        and isinstance(node.value, str)
        and node.value in KIND_VALUES
        and node.value not in allowed
    )


def portal_sources():
    """The portal's own packages: the project and its apps (not bench/, scripts, tests)."""
    packages = {"portal"} | {
        Path(config.path).relative_to(ROOT).parts[0]
        for config in apps.get_app_configs()
        if Path(config.path).is_relative_to(ROOT)
    }
    for path in sorted(p for package in packages for p in (ROOT / package).rglob("*.py")):
        relative = path.relative_to(ROOT)
        if SKIPPED_DIRS.intersection(relative.parts[:-1]):
            continue
        if relative.name.startswith("test_") or relative.name == "conftest.py":
            continue
        yield relative.as_posix(), path


def test_scanner_finds_a_kind_literal():
    source = 'if designation.kind in ("gl", "co_gl"):\n    pass\nprefix = "rae"\n'
    assert kind_literals(source) == [(1, "co_gl"), (1, "gl"), (3, "rae")]
    assert kind_literals(source, {"rae"}) == [(1, "co_gl"), (1, "gl")]


def test_no_kind_literal_outside_the_chain_table():
    found = []
    scanned = 0
    for name, path in portal_sources():
        if name in ALLOWED_FILES:
            continue
        scanned += 1
        allowed = ALLOWED_VALUES.get(name, set())
        for line, value in kind_literals(path.read_text(encoding="utf-8"), allowed):
            found.append(f"{name}:{line}: {value!r}")
    assert scanned > 50, "the scan found the portal's sources"
    assert not found, "use enterprises.chain instead of kind literals:\n" + "\n".join(found)


def test_every_kind_has_one_row():
    assert list(chain.RULES) == list(chain.Kind)
    for kind, rule in chain.RULES.items():
        assert rule.kind is kind
    assert Designation.Kind is chain.Kind


@pytest.mark.django_db
def test_granted_codenames_are_permissions_of_the_model():
    models = {chain.Scope.ENTERPRISE: Enterprise, chain.Scope.QUALITY: EnterpriseQuality}
    for rule in chain.RULES.values():
        content_type = ContentType.objects.get_for_model(models[rule.scope])
        existing = set(
            Permission.objects.filter(content_type=content_type).values_list("codename", flat=True)
        )
        assert rule.grants, rule.kind
        assert rule.grants <= existing, (rule.kind, rule.grants - existing)


def test_each_rule_names_a_known_refusal_and_wizard_pages():
    slugs = {page["slug"] for page in PAGES}
    for refusal in chain.REFUSALS.values():
        assert refusal.help_slug in slugs, refusal.help_slug
        assert str(refusal.who_can)
    for rule in chain.RULES.values():
        assert rule.designated_by in chain.REFUSALS, rule.kind
        assert rule.ended_by in chain.REFUSALS, rule.kind
        assert rule.wizard_page in slugs, rule.kind
        assert rule.wizard_profile in wizard_selectors.PROFILE_LABELS, rule.kind


def test_derived_maps_follow_the_table():
    by_scope = {
        scope: {k for k, r in chain.RULES.items() if r.scope is scope} for scope in chain.Scope
    }
    assert set(chain.quality_kinds()) == by_scope[chain.Scope.QUALITY]
    assert set(chain.enterprise_kinds()) == by_scope[chain.Scope.ENTERPRISE]
    assert by_scope[chain.Scope.QUALITY] == chain.LOCAL_MANAGER_KINDS
    assert context_processors.LOCAL_MANAGER_KINDS is chain.LOCAL_MANAGER_KINDS
    assert {
        kind: chain.RULES[kind].grants for kind in by_scope[chain.Scope.ENTERPRISE]
    } == services.ENTERPRISE_PERMS
    assert {
        kind: chain.RULES[kind].grants for kind in by_scope[chain.Scope.QUALITY]
    } == services.QUALITY_PERMS
    assert {
        perm: (refusal.who_can, refusal.help_slug) for perm, refusal in chain.REFUSALS.items()
    } == permissions.WHO_CAN
    for kind, rule in chain.RULES.items():
        assert Designation(kind=kind).is_quality_kind is rule.is_quality
        profile = wizard_selectors._DESIGNATION_PROFILE[kind]
        assert profile == (rule.wizard_page, rule.wizard_profile)


def test_the_check_constraint_is_the_tables():
    (constraint,) = [
        c
        for c in Designation._meta.constraints
        if c.name == "enterprises_designation_quality_for_gl_only"
    ]
    assert constraint.condition == chain.scope_constraint()
    # Every kind is in exactly one branch: none can be saved with or without a quality at will.
    listed = [
        kind
        for branch in constraint.condition.children
        for lookup, value in branch.children
        if lookup == "kind__in"
        for kind in value
    ]
    assert sorted(listed) == sorted(chain.Kind)
