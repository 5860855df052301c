"""`python -m etl --help` is the manual: it names every command of the product, each subcommand's own help says
what it does with an example, and the README's "Other commands" block names only commands that exist."""
from __future__ import annotations

import argparse
import re
import shlex
import subprocess
import sys

import pytest

from conftest import ROOT
from etl.__main__ import build_parser

# Every `python -m` entry point of the product: a package with __main__.py, or a module that runs as a script.
ENTRY_POINTS = sorted(
    {".".join(p.relative_to(ROOT).parent.parts) for folder in ("etl", "dashboard")
     for p in (ROOT / folder).rglob("__main__.py")}
    | {".".join(p.relative_to(ROOT).with_suffix("").parts) for folder in ("etl", "dashboard")
       for p in (ROOT / folder).rglob("*.py")
       if p.name != "__main__.py" and 'if __name__ == "__main__":' in p.read_text(encoding="utf-8")})


def subcommands() -> dict[str, argparse.ArgumentParser]:
    (action,) = [a for a in build_parser()._actions if isinstance(a, argparse._SubParsersAction)]
    return dict(action.choices)


def run(*args: str) -> str:
    done = subprocess.run([sys.executable, *args], cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    return done.stdout


@pytest.fixture(scope="module")
def manual() -> str:
    return run("-m", "etl", "--help")


def test_the_manual_names_every_subcommand_and_every_other_command(manual):
    assert set(subcommands()) == {"build", "check", "template", "load", "geo"}
    for name in subcommands():
        assert re.search(rf"^\s+{name}\s+\S", manual, re.M), f"`{name}` is not described in python -m etl --help"
    assert {"etl", "etl.geo", "dashboard.deck", "dashboard.auth"} <= set(ENTRY_POINTS)
    for module in set(ENTRY_POINTS) - {"etl", "etl.geo"}:  # etl.geo is `python -m etl geo`
        assert f"python -m {module}" in manual, f"python -m {module} is missing from python -m etl --help"


@pytest.mark.parametrize("name", sorted(subcommands()))
def test_each_subcommand_describes_itself_with_an_example_that_parses(name):
    text = run("-m", "etl", name, "--help")
    description, _, example = text.partition("\nexample:\n")
    assert len(description.split("\n\n", 1)[-1]) > 80, f"python -m etl {name} --help says too little"
    commands = [shlex.split(line) for line in example.split("\n\n", 1)[0].strip().splitlines()]
    assert commands and all(c[:4] == ["python", "-m", "etl", name] for c in commands), example
    for command in commands:
        build_parser().parse_args(command[3:])  # the example is a valid command line (argparse exits if not)


def readme_other_commands() -> list[list[str]]:
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    block = text.split("Other commands:", 1)[1].split("```bash\n", 1)[1].split("```", 1)[0]
    return [shlex.split(line.split("#", 1)[0].replace("[", "").replace("]", "").replace("…", ""))
            for line in block.splitlines() if line.strip()]


def test_the_readme_names_only_commands_that_exist():
    targets = set(re.findall(r"^([a-z-]+):", (ROOT / "Makefile").read_text(encoding="utf-8"), re.M))
    seen = set()
    for words in readme_other_commands():
        if words[0] == "make":
            assert set(words) - {"make", "/"} <= targets, words
            continue
        assert words[0] == ".venv/bin/python" and words[1] == "-m", words
        module, rest = words[2], words[3:]
        assert module in ENTRY_POINTS, f"README names python -m {module}, which does not exist"
        if module == "etl" and rest[0] != "--help":
            assert rest[0] in subcommands(), f"README names python -m etl {rest[0]}, which does not exist"
            seen.add(rest[0])
    assert seen == set(subcommands()), "every etl subcommand is in the README's Other commands"
