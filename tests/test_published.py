"""Published figures: the snapshot of their sources travels with the repository, and every number stored is the one
its source wrote, in the sentence the source wrote it in."""
from __future__ import annotations

import csv
import hashlib
import re
import unicodedata

import pytest

from conftest import ROOT, SHARED

SNAPSHOT = ROOT / "data/published/snapshot"


def _rows(name: str) -> list[dict]:
    with open(ROOT / "data/published" / name, encoding="utf-8") as f:
        return list(csv.DictReader(f))


def _manifest() -> list[dict]:
    with open(SNAPSHOT / "MANIFEST.csv", encoding="utf-8") as f:
        return list(csv.DictReader(f))


def _norm(s: str) -> str:
    s = unicodedata.normalize("NFC", s).replace("**", "")
    return re.sub(r"\s+", " ", s)


@pytest.mark.parametrize("entry", _manifest(), ids=lambda e: e["path"])
def test_the_snapshot_is_the_one_recorded(entry):
    """Every snapshot file is byte for byte what MANIFEST.csv records, so a quote test never passes on edited text."""
    data = (SNAPSHOT / entry["path"]).read_bytes()
    assert hashlib.sha256(data).hexdigest() == entry["sha256"], f"{entry['path']} differs from MANIFEST.csv"


@pytest.mark.parametrize("entry", _manifest(), ids=lambda e: e["path"])
def test_the_snapshot_still_equals_the_research_share(entry):
    """Where the research share is beside the repository, the snapshot must not have drifted from it."""
    original = SHARED / entry["copied_from"].removeprefix("shared/")
    if not SHARED.exists():
        pytest.skip("../shared is not beside the repository; the snapshot alone is checked")
    assert original.exists(), f"{original} is gone from the share; the snapshot of {entry['path']} has no original"
    assert original.read_bytes() == (SNAPSHOT / entry["path"]).read_bytes(), (
        f"data/published/snapshot/{entry['path']} no longer equals {original}: refresh the snapshot (ORIGIN.md)")


def test_every_snapshot_file_is_in_the_manifest():
    files = {str(p.relative_to(SNAPSHOT)) for p in SNAPSHOT.rglob("*") if p.is_file()}
    assert files - {"ORIGIN.md", "MANIFEST.csv"} == {e["path"] for e in _manifest()}


def _source_text(source_id: str) -> str:
    sources = {r["source_id"]: r for r in _rows("sources.csv")}
    loc = sources[source_id]["location"]
    if loc.startswith("data/published/snapshot/"):
        return (ROOT / loc.split(" §")[0]).read_text(encoding="utf-8")
    facts = (SNAPSHOT / "research/FACTS.md").read_text(encoding="utf-8")
    if source_id == "derived":  # derived figures quote the sentences they are derived from, in any snapshot text
        return facts + "".join(p.read_text(encoding="utf-8") for p in sorted((SNAPSHOT / "seeds").iterdir()))
    if source_id.startswith("facts-"):
        return facts
    if source_id.startswith("pf-"):
        return (SNAPSHOT / "research/PROVINCE_FIGURES.csv").read_text(encoding="utf-8")
    raise AssertionError(f"source {source_id} has no snapshot text")


@pytest.mark.parametrize("fig", _rows("figures.csv"), ids=lambda f: f["figure_id"])
def test_every_quote_appears_in_its_source(fig):
    """A published number is only as good as the sentence it came from: the quote must be in the source text."""
    assert _norm(fig["quote"]) in _norm(_source_text(fig["source_id"])), fig["quote"][:80]
