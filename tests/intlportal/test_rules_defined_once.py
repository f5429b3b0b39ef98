"""Each business rule is written once (issue 13): a second copy drifts (the work queue's own
"overdue reports" once counted students while the queryset method did not).

The constants are assigned in one module and imported everywhere else, and the value lists
the rulebook names (the activities that send a teacher abroad, the foreign staff categories,
the running programs' statuses) are not written out again as literals.
"""

from __future__ import annotations

import ast
from collections import defaultdict
from pathlib import Path

from exchanges.models import TEACHER_ABROAD_ACTIVITIES
from programs.models import CooperativeProgram
from staff.models import FOREIGN_CATEGORIES

ROOT = Path(__file__).resolve().parents[2]
APPS = ("intlportal", "faculties", "staff", "exchanges", "programs", "assessment", "dataexchange",
        "notifications", "workqueue", "api")
CONSTANTS = ("EXPIRY_WARNING_DAYS", "REPORT_DUE_DAYS", "TEACHER_ABROAD_ACTIVITIES", "FOREIGN_CATEGORIES",
             "ACTIVE_STATUSES")
RULE_VALUES = {
    "TEACHER_ABROAD_ACTIVITIES": frozenset(TEACHER_ABROAD_ACTIVITIES),
    "FOREIGN_CATEGORIES": frozenset(FOREIGN_CATEGORIES),
    "CooperativeProgram.ACTIVE_STATUSES": frozenset(str(s) for s in CooperativeProgram.ACTIVE_STATUSES),
}


# The benchmark's data generator writes raw rows at its own proportions (and is leaving the
# base package, issue 13 item 7); it is not a reader of the rules.
NOT_RULE_READERS = {Path("intlportal/largedata.py")}


def _modules():
    for app in APPS:
        for path in sorted((ROOT / app).rglob("*.py")):
            if "migrations" not in path.parts and path.relative_to(ROOT) not in NOT_RULE_READERS:
                yield path.relative_to(ROOT), ast.parse(path.read_text(encoding="utf-8"))


def _assigned_names(tree) -> set[str]:
    """Names assigned at module or class level (not inside functions)."""
    names = set()
    bodies = [tree.body]
    while bodies:
        for node in bodies.pop():
            if isinstance(node, ast.ClassDef):
                bodies.append(node.body)
            targets = node.targets if isinstance(node, ast.Assign) else [node.target] if isinstance(
                node, ast.AnnAssign) else []
            names.update(t.id for t in targets if isinstance(t, ast.Name))
    return names


def _string_collections(tree):
    """Every tuple, list or set literal made of strings only, as a set of its strings."""
    for node in ast.walk(tree):
        if isinstance(node, ast.Tuple | ast.List | ast.Set) and node.elts and all(
                isinstance(e, ast.Constant) and isinstance(e.value, str) for e in node.elts):
            yield frozenset(e.value for e in node.elts)


def test_each_rule_constant_is_assigned_in_one_module():
    where = defaultdict(list)
    for path, tree in _modules():
        for name in _assigned_names(tree) & set(CONSTANTS):
            where[name].append(str(path))
    twice = {name: paths for name, paths in where.items() if len(paths) > 1}
    assert not twice, f"define each rule once and import it: {twice}"


def test_no_module_writes_out_a_rules_values_again():
    copies = defaultdict(list)
    for path, tree in _modules():
        for values in _string_collections(tree):
            for rule, rule_values in RULE_VALUES.items():
                if values == rule_values:
                    copies[rule].append(str(path))
    # The definition itself may be a literal (once); any further literal is a copy.
    restated = {rule: paths for rule, paths in copies.items() if len(paths) > 1
                or (rule == "CooperativeProgram.ACTIVE_STATUSES" and paths)}
    assert not restated, f"import the rule instead of restating its values: {restated}"
