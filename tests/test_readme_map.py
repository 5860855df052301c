"""The README's module map is the newcomer's map of the house: every module in etl/, dashboard/ and pages/ is on it,
and every module it names exists (in the spirit of Datasette's test_docs.py)."""
from __future__ import annotations

import re

from conftest import ROOT

README = (ROOT / "README.md").read_text(encoding="utf-8")
# From the etl/ paragraph to the sentence after the app's map: the two halves of the module map.
MAP = README[README.index("`etl/` has one small module per step"):README.index("No module of `dashboard/` or `etl/`")]


def modules() -> set[str]:
    """'etl/reports/load.py' → 'reports/load.py' style names: a file's name, with its package for nested ones."""
    found = set()
    for top in ("etl", "dashboard", "pages"):
        for path in (ROOT / top).rglob("*.py"):
            if path.name == "__init__.py" or ".venv" in path.parts:
                continue
            found.add(path.relative_to(ROOT).as_posix())
    return found


def test_every_module_is_on_the_readme_map():
    missing = []
    for rel in sorted(modules()):
        name = rel.rsplit("/", 1)[-1]
        stem = name.removesuffix(".py")
        word = name if not rel.startswith("pages/") else stem  # the map lists pages by their stem
        if not re.search(rf"(?<![\w/]){re.escape(word)}(?!\w)", MAP):
            missing.append(rel)
    assert not missing, f"modules the README's map does not mention: {missing}"


def test_every_module_the_readme_map_names_exists():
    names = {rel.rsplit("/", 1)[-1] for rel in modules()} | {"app.py"}
    named = set(re.findall(r"(?<![\w/.])(\w+\.py)\b", MAP))
    assert named <= names, f"the README's map names modules that do not exist: {sorted(named - names)}"
