"""The shape of the code: the modules of dashboard/ and of etl/ import each other without cycles, so each can be read
(and imported) on its own, from the bottom up. Imports inside functions count: a lazy import hides a cycle, it does
not remove it."""
from __future__ import annotations

import ast
import re
import subprocess
import sys

import pytest
from conftest import ROOT


def module_name(path) -> str:
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def imports_of(path, modules: set[str]) -> set[str]:
    """The project modules `path` imports, anywhere in the file (module level or inside a function)."""
    name = module_name(path)
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    found = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            targets = [a.name for a in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = package
            for _ in range(node.level - 1):
                base = base.rpartition(".")[0]
            base = f"{base}.{node.module}" if node.level and node.module else base if node.level else node.module
            targets = [f"{base}.{a.name}" for a in node.names] + [base]
        else:
            continue
        for target in targets:
            while target and target not in modules:
                target = target.rpartition(".")[0]
            # A module always runs its parent package first, so importing an ancestor is no edge of its own.
            if target and target != name and not name.startswith(target + "."):
                found.add(target)
    return found


def graph(package: str) -> dict[str, set[str]]:
    files = sorted((ROOT / package).rglob("*.py"))
    modules = {module_name(p) for p in files}
    return {module_name(p): imports_of(p, modules) & {m for m in modules if m.startswith(package)} for p in files}


def cycles(edges: dict[str, set[str]]) -> list[list[str]]:
    """Every strongly connected group of more than one module (Tarjan), each sorted."""
    index, low, stack, on_stack, out = {}, {}, [], set(), []

    def visit(v):
        index[v] = low[v] = len(index)
        stack.append(v)
        on_stack.add(v)
        for w in sorted(edges.get(v, ())):
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on_stack:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            group = []
            while True:
                w = stack.pop()
                on_stack.discard(w)
                group.append(w)
                if w == v:
                    break
            if len(group) > 1:
                out.append(sorted(group))

    for v in sorted(edges):
        if v not in index:
            visit(v)
    return out


def test_the_cycle_finder_finds_a_cycle_through_a_lazy_import(tmp_path):
    assert cycles({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}) == [["a", "b", "c"]]
    assert cycles({"a": {"b"}, "b": set()}) == []


def test_the_dashboard_has_no_import_cycles():
    assert cycles(graph("dashboard")) == []


def test_the_deck_figures_live_in_the_deck_and_charts_no_longer_needs_maps():
    edges = graph("dashboard")
    assert "dashboard.maps" not in edges["dashboard.charts"]
    assert {"dashboard.maps", "dashboard.charts"} <= edges["dashboard.deck.figures"]


def test_etl_has_no_import_cycles():
    assert cycles(graph("etl")) == []


def test_the_build_and_the_report_loader_share_the_warehouse_primitives_and_never_import_each_other():
    edges = graph("etl")
    assert "etl.reports.load" not in edges["etl.build"] and "etl.build" not in edges["etl.reports.load"]
    assert "etl.warehouse" in edges["etl.build"] and "etl.warehouse" in edges["etl.reports.load"]


def private_uses(package: str) -> list[str]:
    """Every place a module of `package` reaches for another project module's private name (`_x`): imported by
    name, or read as an attribute of an imported module."""
    files = sorted((ROOT / package).rglob("*.py"))
    modules = {module_name(p) for p in files}
    out = []
    for path in files:
        name = module_name(path)
        package_of = name if path.name == "__init__.py" else name.rpartition(".")[0]
        aliases = {}  # local name → project module
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if isinstance(node, ast.ImportFrom):
                base = package_of
                for _ in range(node.level - 1):
                    base = base.rpartition(".")[0]
                base = f"{base}.{node.module}" if node.level and node.module else base if node.level else node.module
                for a in node.names:
                    if f"{base}.{a.name}" in modules:
                        aliases[a.asname or a.name] = f"{base}.{a.name}"
                    elif base in modules and base != name and a.name.startswith("_") and not a.name.startswith("__"):
                        out.append(f"{name} imports {base}.{a.name}")
            elif isinstance(node, ast.Import):
                for a in node.names:
                    if a.name in modules and a.asname:
                        aliases[a.asname] = a.name
        for node in ast.walk(tree):
            if (isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name) and node.value.id in aliases
                    and node.attr.startswith("_") and not node.attr.startswith("__")):
                out.append(f"{name} reads {aliases[node.value.id]}.{node.attr}")
    return sorted(set(out))


def test_the_private_name_finder_finds_a_private_call(tmp_path, monkeypatch):
    import test_module_graph as g
    (tmp_path / "pkg").mkdir()
    (tmp_path / "pkg" / "__init__.py").write_text("")
    (tmp_path / "pkg" / "a.py").write_text("def _secret(): pass\n")
    (tmp_path / "pkg" / "b.py").write_text("from . import a\nfrom .a import _secret\na._secret()\n")
    monkeypatch.setattr(g, "ROOT", tmp_path)
    assert private_uses("pkg") == ["pkg.b imports pkg.a._secret", "pkg.b reads pkg.a._secret"]


def test_no_etl_module_calls_another_ones_private_functions():
    """What two modules share is public (warehouse.validate, not build._validate), so either can change its own
    private helpers without breaking the other."""
    assert private_uses("etl") == []


@pytest.mark.parametrize("module", sorted(m for m in graph("dashboard") if not m.endswith("__main__")))
def test_each_dashboard_module_imports_on_its_own(module):
    """In a fresh interpreter, so no other module has been imported first to hide a missing or circular import."""
    done = subprocess.run([sys.executable, "-c", f"import {module}"], cwd=ROOT, capture_output=True, text=True,
                          timeout=120)
    assert done.returncode == 0, done.stderr[-2000:]


def test_only_etl_paths_works_out_where_the_repository_is():
    """One home for paths: a module that walks up from its own file to find data/ breaks when it moves (etl/geo.py
    became etl/geo/base.py and needed a third `.parent`). Scripts outside the packages (bench/, tests/conftest.py)
    still walk up once, to put the repository on sys.path before they can import etl.paths."""
    walking_up = re.compile(r"__file__\)\.resolve\(\)\.(parent\.parent|parents\[)")
    found = [str(p.relative_to(ROOT)) for package in ("etl", "dashboard") for p in sorted((ROOT / package).rglob("*.py"))
             if walking_up.search(p.read_text(encoding="utf-8"))]
    assert found == ["etl/paths.py"]
