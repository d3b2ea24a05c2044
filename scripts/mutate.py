"""Mutation testing of the access rules: do the tests bite?

A small, deterministic AST mutator (no dependency beyond the standard library): each mutant
changes ONE thing in one of the modules that decide who may do what, the file is rewritten,
the relevant tests run (`-x`, stopping at the first failure), and the file is restored. A
mutant is *killed* when the tests fail, *survived* when they all pass. The score is
killed / (mutants - equivalent).

Mutations:
  negate      a condition (`if`, `elif`, `while`, a conditional expression) gets `not`
  boolop      `and` <-> `or`
  raise       a `raise` becomes `pass`
  compare     == <-> !=, in <-> not in, is <-> is not, < <-> >=, > <-> <=
  literal     a codename, a kind or a wizard slug swapped with the next of its family
  kind        `Kind.X` / `Scope.X` swapped with the next member
  return      `return True` <-> `return False`

Run it with `make mutate` (after `make install-dev`); it is slow, so not part of CI.
    python scripts/mutate.py [--list] [--only SUBSTRING] [--timeout SECONDS]
Each mutant has a stable identifier, `path::function::operator#n:detail` (n counts that
operator's mutants within the function, so editing one function renumbers no other).
"""

from __future__ import annotations

import argparse
import ast
import copy
import os
import signal
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

TARGETS = [
    "enterprises/access.py",
    "enterprises/permissions.py",
    "roles/permissions.py",
    "enterprises/chain.py",
]

# The tests that state the rules, fastest first (`-x` stops at the first failure, so a
# killed mutant costs only the tests up to the one that catches it).
TESTS = [
    "enterprises/tests/test_chain_table.py",
    "enterprises/tests/test_legal_representative_rule.py",
    "roles/tests/test_permission_matrix.py",
    "roles/tests/test_permissions.py",
    "enterprises/tests/test_permission_matrix.py",
    # The bearer-token loaders: designations (`designation_for_token`), invitations
    # (`invitation_for_token`, `invitation_not_for`).
    "enterprises/tests/test_designation_link.py",
    "roles/tests/test_invitations.py",
]

FAMILIES = [
    # Guardian codenames of the chain, and the registry's "permission".
    [
        "designate_co_gl",
        "designate_co_rae",
        "legal_representative",
        "manage_enterprise",
        "manage_roles",
        "view_chain",
    ],
    # Designation kinds.
    ["co_gl", "co_rae", "gl", "rae"],
    # Wizard answers of the refusals.
    [
        "gl-designate-co-gl",
        "gl-who-is",
        "legal-representative",
        "lr-activate-quality",
        "lr-manage-roles",
        "rae-designate-co-rae",
        "rae-manage-roles",
    ],
]
NOT_FAMILY_KEYWORDS = {"wizard_page", "wizard_profile"}
MEMBERS = {
    "Kind": ["RAE", "CO_RAE", "GL", "CO_GL"],
    "Scope": ["ENTERPRISE", "QUALITY"],
}
COMPARE_SWAP = {
    ast.Eq: ast.NotEq,
    ast.NotEq: ast.Eq,
    ast.In: ast.NotIn,
    ast.NotIn: ast.In,
    ast.Is: ast.IsNot,
    ast.IsNot: ast.Is,
    ast.Lt: ast.GtE,
    ast.GtE: ast.Lt,
    ast.Gt: ast.LtE,
    ast.LtE: ast.Gt,
}

# Mutants no test can kill because the program behaves the same, each with why.
EQUIVALENT: dict[str, str] = {
    # A number that does not normalise, looked up as typed, matches no enterprise (numbers
    # are stored normalised, and a stored number normalises to itself): the next check
    # answers the same 404.
    "enterprises/permissions.py::enterprise_by_number::raise#1:removed": "same 404",
    # An empty or over-long token looked up by its hash matches no stored hash (the stored
    # ones are of 43-character random tokens): None either way. The length guard only
    # spares hashing a long string.
    "enterprises/permissions.py::designation_for_token::boolop#1:Or->And": "same None",
    "roles/permissions.py::invitation_for_token::boolop#1:Or->And": "same None",
    # Every open designation with a person is active (a designation gets its person when
    # accepted, or at once when self-designated), so `d.is_active or ...` only adds the
    # enterprise-level designations' quality, None, to the set: the RAE and co-RAEs it would
    # concern see the whole chain, whose qualities have no None to match.
    "enterprises/access.py::Access.manager_quality_ids::boolop#1:And->Or": "None never matches",
}


@dataclass
class Mutant:
    ident: str
    path: str
    source: str  # the whole mutated module


def _next_in(family: list[str], value: str) -> str:
    return family[(family.index(value) + 1) % len(family)]


class _Finder(ast.NodeVisitor):
    """Walks a module and records, for each mutation site, a function that applies it to a
    fresh copy of the tree (found by its position in `ast.walk` order)."""

    def __init__(self):
        self.sites: list[tuple[str, str, int, object]] = []  # (scope, op:detail, index, fn)
        self.scope: list[str] = []
        self.docstrings: set[int] = set()

    def _where(self) -> str:
        return ".".join(self.scope) or "<module>"

    def _add(self, node: ast.AST, op: str, apply) -> None:
        self.sites.append((self._where(), op, id(node), apply))

    def visit_FunctionDef(self, node):
        self._docstring(node)
        self.scope.append(node.name)
        self.generic_visit(node)
        self.scope.pop()

    visit_AsyncFunctionDef = visit_FunctionDef

    def visit_ClassDef(self, node):
        self._docstring(node)
        self.scope.append(node.name)
        self.generic_visit(node)
        self.scope.pop()

    def visit_Module(self, node):
        self._docstring(node)
        self.generic_visit(node)

    def _docstring(self, node) -> None:
        body = getattr(node, "body", [])
        if body and isinstance(body[0], ast.Expr) and isinstance(body[0].value, ast.Constant):
            self.docstrings.add(id(body[0].value))

    def _negate_test(self, node, field: str):
        test = getattr(node, field)

        def apply(target):
            old = getattr(target, field)
            if isinstance(old, ast.UnaryOp) and isinstance(old.op, ast.Not):
                setattr(target, field, old.operand)
            else:
                setattr(target, field, ast.UnaryOp(op=ast.Not(), operand=old))

        self._add(node, f"negate:{ast.unparse(test)[:40]}", apply)

    def visit_If(self, node):
        self._negate_test(node, "test")
        self.generic_visit(node)

    visit_While = visit_If

    def visit_IfExp(self, node):
        self._negate_test(node, "test")
        self.generic_visit(node)

    def visit_BoolOp(self, node):
        swap = ast.Or if isinstance(node.op, ast.And) else ast.And

        def apply(target):
            target.op = swap()

        self._add(node, f"boolop:{type(node.op).__name__}->{swap.__name__}", apply)
        self.generic_visit(node)

    def visit_Raise(self, node):
        self._add(node, "raise:removed", None)  # handled by the statement replacer
        self.generic_visit(node)

    def visit_Compare(self, node):
        for i, op in enumerate(node.ops):
            swap = COMPARE_SWAP.get(type(op))
            if swap is None:
                continue

            def apply(target, i=i, swap=swap):
                target.ops[i] = swap()

            self._add(node, f"compare:{type(op).__name__}->{swap.__name__}", apply)
        self.generic_visit(node)

    def visit_keyword(self, node):
        # The wizard's page and profile names ("rae", "co-rae") are page slugs that happen
        # to spell a kind: not the chain's codenames or kinds.
        if node.arg in NOT_FAMILY_KEYWORDS:
            return
        self.generic_visit(node)

    def visit_Constant(self, node):
        if id(node) in self.docstrings or not isinstance(node.value, str):
            return
        for family in FAMILIES:
            if node.value in family:
                new = _next_in(family, node.value)

                def apply(target, new=new):
                    target.value = new

                self._add(node, f"literal:{node.value}->{new}", apply)
                return

    def visit_Attribute(self, node):
        if isinstance(node.value, ast.Name) and node.attr in MEMBERS.get(node.value.id, ()):
            new = _next_in(MEMBERS[node.value.id], node.attr)

            def apply(target, new=new):
                target.attr = new

            self._add(node, f"kind:{node.value.id}.{node.attr}->{new}", apply)
        self.generic_visit(node)

    def visit_Return(self, node):
        if isinstance(node.value, ast.Constant) and isinstance(node.value.value, bool):
            flipped = not node.value.value

            def apply(target, flipped=flipped):
                target.value = ast.Constant(value=flipped)

            self._add(node, f"return:{node.value.value}->{flipped}", apply)
        self.generic_visit(node)


class _RaiseRemover(ast.NodeTransformer):
    def __init__(self, target_index: int):
        self.target_index = target_index
        self.seen = -1

    def visit_Raise(self, node):
        self.seen += 1
        if self.seen == self.target_index:
            return ast.Pass()
        return node


def mutants_of(path: str) -> list[Mutant]:
    source = (ROOT / path).read_text()
    tree = ast.parse(source)
    finder = _Finder()
    finder.visit(tree)
    order = {id(node): i for i, node in enumerate(ast.walk(tree))}
    raise_order = {id(node): i for i, node in enumerate(_raises(tree))}
    counters: dict[tuple[str, str], int] = {}
    result = []
    for scope, op, node_id, apply in finder.sites:
        kind = op.split(":")[0]
        n = counters[(scope, kind)] = counters.get((scope, kind), 0) + 1
        ident = f"{path}::{scope}::{kind}#{n}:{op.split(':', 1)[1]}"
        mutated = copy.deepcopy(tree)
        if apply is None:
            mutated = _RaiseRemover(raise_order[node_id]).visit(mutated)
        else:
            target = list(ast.walk(mutated))[order[node_id]]
            apply(target)
        ast.fix_missing_locations(mutated)
        result.append(Mutant(ident=ident, path=path, source=ast.unparse(mutated) + "\n"))
    return result


def _raises(tree) -> list[ast.Raise]:
    # The order `_RaiseRemover` visits them in (depth first, source order).
    found = []

    class Collect(ast.NodeVisitor):
        def visit_Raise(self, node):
            found.append(node)
            self.generic_visit(node)

    Collect().visit(tree)
    return found


def run_tests(timeout: int, *, fresh_db: bool = False) -> tuple[bool, float]:
    """True when the tests fail (the mutant is killed). `fresh_db` builds the test database
    again (the baseline): a reused one may have lost the data migrations' rows (groups and
    their permissions) to a transactional test of an earlier run, and the matrices would
    then fail without any mutant."""
    args = [
        sys.executable,
        "-m",
        "pytest",
        "-x",
        "-q",
        "-p",
        "no:randomly",
        "-p",
        "no:cacheprovider",
        "--create-db" if fresh_db else "--reuse-db",
        *os.environ.get("MUTATE_PYTEST_ARGS", "").split(),
        *TESTS,
    ]
    started = time.monotonic()
    try:
        # Our own interpreter and pytest, with arguments built here.
        done = subprocess.run(args, cwd=ROOT, capture_output=True, timeout=timeout, check=False)  # noqa: S603
    except subprocess.TimeoutExpired:
        # Not counted as killed: on a slow machine a surviving mutant runs out of time too.
        # Raise --timeout until none times out.
        return False, time.monotonic() - started
    return done.returncode != 0, time.monotonic() - started


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--list", action="store_true", help="list the mutants, run nothing")
    parser.add_argument("--only", default="", help="only the mutants whose id contains this")
    parser.add_argument("--timeout", type=int, default=1800, help="seconds per mutant")
    parser.add_argument(
        "--no-baseline", action="store_true", help="skip the run of the unmutated code"
    )
    options = parser.parse_args()

    mutants = [m for path in TARGETS for m in mutants_of(path) if options.only in m.ident]
    idents = [m.ident for m in mutants]
    assert len(idents) == len(set(idents)), "mutant identifiers must be unique"
    if options.list:
        for mutant in mutants:
            print(mutant.ident, "(equivalent)" if mutant.ident in EQUIVALENT else "")
        print(f"{len(mutants)} mutants")
        return 0

    originals = {path: (ROOT / path).read_text() for path in TARGETS}
    # Stopped from outside (kill, Ctrl-C): still put the modules back (the `finally` below).
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    killed, survived, equivalent = [], [], []
    started = time.monotonic()
    if not options.no_baseline:
        # Every mutant would count as killed if the tests failed without any mutation.
        failed, seconds = run_tests(options.timeout, fresh_db=True)
        print(f"baseline: {'FAILED' if failed else 'green'} in {seconds:.1f}s", flush=True)
        if failed:
            return 2
    try:
        for number, mutant in enumerate(mutants, 1):
            if mutant.ident in EQUIVALENT:
                equivalent.append(mutant.ident)
                continue
            (ROOT / mutant.path).write_text(mutant.source)
            try:
                was_killed, seconds = run_tests(options.timeout)
            finally:
                (ROOT / mutant.path).write_text(originals[mutant.path])
            (killed if was_killed else survived).append(mutant.ident)
            verdict = "killed" if was_killed else "SURVIVED"
            print(
                f"[{number}/{len(mutants)}] {verdict:8} {seconds:6.1f}s {mutant.ident}", flush=True
            )
    finally:
        for path, text in originals.items():
            (ROOT / path).write_text(text)
    elapsed = time.monotonic() - started
    scored = len(killed) + len(survived)
    score = 100.0 * len(killed) / scored if scored else 100.0
    print(
        f"\n{len(mutants)} mutants: {len(killed)} killed, {len(survived)} survived, "
        f"{len(equivalent)} equivalent; score {score:.1f} % in {elapsed / 60:.1f} min"
    )
    for ident in survived:
        print("  survived:", ident)
    return 0 if score >= 95.0 else 1


if __name__ == "__main__":
    sys.exit(main())
