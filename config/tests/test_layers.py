"""The layers of the tree, read from every module's imports: nothing imports from a layer above its own.

From the bottom:
  0. core         fugong.core: base model, the import flow, the case base, Excel and text helpers
  1. models       each app's models (and the plain helpers they need), in app order
  2. access       fugong.access: every access decision, above the models it decides about
  3. apps         each app's services, selectors, views, API, Excel, commands, in app order
  4. top          fugong.demo and config: the only places that know every app

Within layers 1 and 3 an app may import only from itself and from apps before it in APPS. Tests and
migrations belong to their app's top: tests may use config's personas and factories.
"""

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]

APPS = [
    "areas",
    "accounts",
    "security",
    "notices",
    "enterprises",
    "dispatch",
    "analytics",
    "problems",
    "finance",
    "workgroups",
    "relief",
    "catalogue",
    "arrears",
    "chains",
    "policies",
]
# notices sits just above accounts: a generic service every later capability calls (it names users only).

# Modules of an app that sit in the models layer: what models import, and nothing that reads or writes.
MODEL_MODULES = {"models", "rollup_models", "credit_code", "validators", "choices", "calendar"}

CORE, MODELS, ACCESS, APP, TOP = range(5)
LAYER_NAMES = ["core", "models", "access", "apps", "top"]


def place(module: str) -> tuple[int, int]:
    """(layer, app rank) of a module of this project; app rank orders apps within a layer."""
    parts = module.split(".")
    if parts[0] == "config" or parts[:2] == ["fugong", "demo"]:
        return TOP, 0
    if parts[:2] == ["fugong", "core"]:
        return CORE, 0
    if parts[:2] == ["fugong", "access"]:
        return ACCESS, 0
    if len(parts) >= 2 and parts[0] == "fugong" and parts[1] in APPS:
        rank = APPS.index(parts[1])
        if len(parts) == 2 or parts[2] in MODEL_MODULES:
            return MODELS, rank
        if "tests" in parts or "migrations" in parts:
            return TOP, 0
        return APP, rank
    raise ValueError(f"{module} is in no layer: add it to the layers of config/tests/test_layers.py")


def module_name(path: Path) -> str:
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def imports_of(source: str, module: str, *, is_package: bool) -> list[tuple[str, int]]:
    tree = ast.parse(source)
    package = module if is_package else module.rpartition(".")[0]
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found += [(alias.name, node.lineno) for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")
                base = base[: len(base) - node.level + 1]
                target = ".".join(base + ([node.module] if node.module else []))
            else:
                target = node.module or ""
            # `from fugong import access` names a module, not an attribute of the package.
            found += [(f"{target}.{alias.name}", node.lineno) for alias in node.names]
    return [(name, line) for name, line in found if name.split(".")[0] in ("fugong", "config")]


def resolve(name: str) -> str:
    """The project module an imported name lives in (drops a trailing attribute such as a class)."""
    parts = name.split(".")
    while parts:
        candidate = ROOT.joinpath(*parts)
        if candidate.with_suffix(".py").exists() or (candidate / "__init__.py").exists():
            return ".".join(parts)
        parts.pop()
    return name


def violations(path: Path, source: str) -> list[str]:
    module = module_name(path)
    if module in ("fugong", "config") or module.endswith("conftest") or ".tests" in module:
        return []
    layer, rank = place(module)
    found = []
    for name, line in imports_of(source, module, is_package=path.name == "__init__.py"):
        target = resolve(name)
        if target in ("fugong", "config") or target == module:
            continue
        target_layer, target_rank = place(target)
        upward = target_layer > layer or (target_layer == layer and layer in (MODELS, APP) and target_rank > rank)
        if upward:
            found.append(
                f"{path.relative_to(ROOT)}:{line} {module} ({LAYER_NAMES[layer]}) imports "
                f"{target} ({LAYER_NAMES[target_layer]})"
            )
    return found


def project_modules():
    for folder in ("fugong", "config"):
        for path in sorted((ROOT / folder).rglob("*.py")):
            if "migrations" not in path.parts:
                yield path


def test_it_finds_no_import_from_a_layer_above():
    found = [line for path in project_modules() for line in violations(path, path.read_text(encoding="utf-8"))]
    assert found == []


@pytest.mark.parametrize(
    ("module", "source", "upward"),
    [
        ("fugong/core/excel.py", "from fugong.enterprises.models import Enterprise\n", True),
        ("fugong/core/excel.py", "def f():\n    from fugong.access import area_scope\n", True),
        ("fugong/enterprises/models.py", "from fugong import access\n", True),
        ("fugong/dispatch/services.py", "from fugong.analytics import rollup\n", True),
        ("fugong/analytics/figures.py", "from fugong.demo.build import build\n", True),
        ("fugong/access.py", "from fugong.dispatch.selectors import x\n", True),
        ("fugong/problems/services.py", "from fugong.dispatch.models import DailyReport\n", False),
        ("fugong/dispatch/services.py", "from fugong.access import area_scope\n", False),
        ("fugong/accounts/models.py", "from fugong.core.models import Base\n", False),
        ("fugong/demo/steps.py", "from fugong.finance.services import referral_create\n", False),
    ],
)
def test_it_tells_an_upward_import_from_a_downward_one(module, source, upward):
    assert bool(violations(ROOT / module, source)) is upward
