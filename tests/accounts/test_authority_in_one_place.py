"""Authority is decided in one place: the policy module (`panah.accounts.permissions`) and, for which
rows a query returns, the selectors. A scope or role check written anywhere else fails here, and so does
an app that imports another app's views.

Before the policy module, authority was decided in about 35 places in their own words (`_require` in
four services, `_may_work`, `_may_see`, `may_decide`, `may_review`, `may_merge`, `regions_or_403`...).
"""

import ast
import re
from pathlib import Path

import panah

ROOT = Path(panah.__file__).parent

# Where a scope or role may be read: the policy, the scoping layer it builds on (and the middleware that
# opens a request's scope with it), Django's permission backend that delegates to it, and the selectors.
ALLOWED = {
    "accounts/permissions.py",
    "accounts/scope.py",
    "accounts/middleware.py",
    "accounts/backends.py",
}
CHECKS = {
    "a scope": re.compile(r"\b(scope_for|organisation_scope|person_grants)\("),
    "Django's has_perm": re.compile(r"\bhas_perm\("),
    "a role table": re.compile(r"\brole_allows\(|\broles_allowed\("),
    "a role comparison": re.compile(r"\.role\s*(==|!=|in\b|not in\b)|\brole__in\b|\brole=Role\."),
    "the superuser flag": re.compile(r"\.is_superuser\b(?!\s*=)"),
}


def python_files() -> list[Path]:
    return sorted(p for p in ROOT.rglob("*.py") if "migrations" not in p.parts and "__pycache__" not in p.parts)


def is_selector(path: Path) -> bool:
    return path.name == "selectors.py" or path.name.endswith("_selectors.py")


def test_no_scope_or_role_check_outside_the_policy_and_the_selectors() -> None:
    found = []
    for path in python_files():
        relative = path.relative_to(ROOT).as_posix()
        if relative in ALLOWED or is_selector(path):
            continue
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
            code = line.split("#", 1)[0]
            for what, pattern in CHECKS.items():
                if pattern.search(code):
                    found.append(f"{relative}:{number}: {what}: {line.strip()}")
    assert found == [], "authority decided outside the policy module:\n" + "\n".join(found)


def test_templates_ask_the_policy_only_through_perms() -> None:
    """Templates read `perms.panah.<action>` (Django's permission API, answered by the policy) or a flag a
    view computed with `permissions.may`; never a role or a membership."""
    found = []
    for path in sorted(ROOT.rglob("*.html")):
        text = path.read_text(encoding="utf-8")
        for pattern in (r"\.role\b", r"memberships\.", r"is_superuser", r"is_staff"):
            if re.search(pattern, text) and "accounts/" not in path.relative_to(ROOT).as_posix():
                found.append(f"{path.relative_to(ROOT)}: {pattern}")
    assert found == []


def test_every_action_of_the_policy_is_an_action_and_every_action_has_a_rule() -> None:
    from panah.accounts.permissions import POLICY
    from panah.accounts.roles import Action

    assert set(POLICY) == set(Action.values)
    for action, rule in POLICY.items():
        assert str(rule.refusal), action  # one message per action


def test_no_decision_can_be_granted_by_an_agreement() -> None:
    from panah.accounts.permissions import GRANTABLE, POLICY, Basis
    from panah.accounts.roles import Action

    decisions = {Action.DECIDE_STATUS, Action.DECIDE_CASES, Action.OPEN_STATE_PROCEDURES, Action.REGISTER_PERSON}
    assert not decisions & GRANTABLE
    assert all(POLICY[a].bases == {Basis.STATE} for a in (Action.DECIDE_STATUS, Action.DECIDE_CASES))


def _imported_modules(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    names = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.module:
            names.add(node.module)
            names.update(f"{node.module}.{alias.name}" for alias in node.names)
        elif isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
    return names


def test_no_app_imports_another_apps_views() -> None:
    found = []
    for path in python_files():
        parts = path.relative_to(ROOT).parts
        if len(parts) < 2:
            continue  # the project's own modules (panah/urls.py) wire the apps together
        app = parts[0]
        for module in _imported_modules(path):
            match = re.match(r"panah\.(\w+)\.(\w*views)\b", module)
            if match and match.group(1) != app:
                found.append(f"{path.relative_to(ROOT)} imports {module}")
    assert found == []
