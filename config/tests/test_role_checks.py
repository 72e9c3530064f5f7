"""Every access decision is in fugong/access.py: no module above it compares a user's role itself.

A view that writes `request.user.role == Role.BANK` decides access where nobody reviewing access.py
sees it; this test reads every module (and template) and fails listing such comparisons. Queries that
pick users by role (`User.objects.filter(role=...)`) are not comparisons and stay allowed.
"""

import ast
import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]

# Where comparing roles is the job: the access module, the accounts app that defines roles, the demo
# that creates its users, the test personas, and the menu (its role sets only pick entries to show).
ALLOWED = ("fugong/access.py", "fugong/accounts/", "fugong/demo/", "config/testing.py", "config/navigation.py")

TEMPLATE_ROLE_CHECK = re.compile(r"\.role\s*(==|!=|\bin\b|\bnot in\b)")


def _is_role(node: ast.AST) -> bool:
    """`x.role`, a bare `role`, `Role.X`, or a tuple, list or set of them."""
    if isinstance(node, ast.Attribute):
        return node.attr == "role" or (isinstance(node.value, ast.Name) and node.value.id == "Role")
    if isinstance(node, ast.Name):
        return node.id == "role"
    if isinstance(node, ast.Tuple | ast.List | ast.Set):
        return any(_is_role(element) for element in node.elts)
    return False


def role_checks(source: str) -> list[int]:
    """Line numbers of comparisons that involve a role."""
    return [
        node.lineno
        for node in ast.walk(ast.parse(source))
        if isinstance(node, ast.Compare) and any(_is_role(side) for side in [node.left, *node.comparators])
    ]


def _checked(paths):
    for path in sorted(paths):
        relative = path.relative_to(ROOT).as_posix()
        if "/tests/" in relative or "/migrations/" in relative or relative.startswith(ALLOWED):
            continue
        yield relative, path


def test_no_module_outside_access_compares_roles():
    found = [
        f"{relative}:{line}"
        for relative, path in _checked([*ROOT.glob("fugong/**/*.py"), *ROOT.glob("config/**/*.py")])
        for line in role_checks(path.read_text(encoding="utf-8"))
    ]
    assert found == [], "role checks outside fugong/access.py: add a named gate there and call it"


def test_no_template_compares_roles():
    found = [
        f"{relative}:{number}"
        for relative, path in _checked([*ROOT.glob("fugong/**/*.html"), *ROOT.glob("templates/**/*.html")])
        for number, text in enumerate(path.read_text(encoding="utf-8").splitlines(), 1)
        if TEMPLATE_ROLE_CHECK.search(text)
    ]
    assert found == [], "role checks in templates: pass the access decision in the context"


def test_it_finds_the_ways_a_role_is_compared():
    source = """
if request.user.role == Role.ENTERPRISE: pass
if user.role in (Role.REGION, Role.LEAGUE): pass
if user.role not in ROLES: pass
if Role.BANK != actor.role: pass
if role == "enterprise": pass
users = User.objects.filter(role=Role.HANDLER)
if user.is_authenticated: pass
"""
    assert role_checks(source) == [2, 3, 4, 5, 6]
    assert TEMPLATE_ROLE_CHECK.search('{% if request.user.role == "enterprise" %}')
