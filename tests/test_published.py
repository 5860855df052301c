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


@pytest.mark.parametrize("entry", [e for e in _manifest() if e["copied_from"].startswith("shared/")],
                         ids=lambda e: e["path"])  # population/ pages come from the web, not from the share
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
    if source_id.startswith("prog-"):  # the programme's legal texts and reports, quoted in the research notes
        return (ROOT / "docs/programme_sources.md").read_text(encoding="utf-8")
    if source_id.startswith("web-"):  # web pages found with the search tool, quoted in docs/published_sources.md
        return (ROOT / "docs/published_sources.md").read_text(encoding="utf-8")
    if source_id.startswith("pf-"):
        return (SNAPSHOT / "research/PROVINCE_FIGURES.csv").read_text(encoding="utf-8")
    raise AssertionError(f"source {source_id} has no snapshot text")


@pytest.mark.parametrize("fig", _rows("figures.csv"), ids=lambda f: f["figure_id"])
def test_every_quote_appears_in_its_source(fig):
    """A published number is only as good as the sentence it came from: the quote must be in the source text."""
    assert _norm(fig["quote"]) in _norm(_source_text(fig["source_id"])), fig["quote"][:80]


def _pf_rows() -> list[dict]:
    return _rows("province_figures.csv")


@pytest.mark.parametrize("row", _pf_rows(), ids=lambda r: r["pf_id"])
def test_every_province_figure_is_the_number_its_quote_writes(row):
    """The stored value is what the quote writes, read the way the quote's language writes numbers: "27.708 triệu"
    is 27.708 triệu đồng, "1,5 tỷ" is 1.500 triệu đồng, "VND1.4 billion" is 1.400 triệu đồng. Where the research
    note added stated parts (or the source misprinted its total), each part must be in the quote and add up."""
    from etl.published import amounts_in, is_vietnamese
    quote, text, value = _norm(row["quote"]), _norm(row["value_text"]), float(row["value"])
    vi = is_vietnamese(quote)  # the language of the sentence decides how its digits read
    assert text, f"{row['pf_id']}: no value_text"
    if "sum_of_stated_parts" in row["flags"].split():
        parts = text.split(" + ")
        assert all(p in quote for p in parts), parts
        assert sum(amounts_in(p, vi)[0][1] for p in parts) == pytest.approx(value), (parts, value)
        return
    assert text in quote, f"{row['pf_id']}: «{text}» is not in the quote"
    if value == 0 and not any(ch.isdigit() for ch in text):  # a stated nil: "(không được giao)"
        return
    read = [v for _, v in amounts_in(text, vi)]
    assert any(v == pytest.approx(value, rel=1e-12) for v in read), (text, value, read)


def test_vietnamese_and_english_number_writing():
    from etl.published import amounts_in

    def amount(text, vietnamese=None):
        (_, value), = amounts_in(text, vietnamese)
        return value
    assert amount("27.708 triệu đồng") == 27708
    assert amount("1,5 tỷ đồng") == 1500
    assert amount("1.332,474 triệu đồng") == pytest.approx(1332.474)
    assert amount("VND1.4 billion") == 1400
    assert amount("3,870 workers", vietnamese=False) == 3870
    assert amount("28 tỉnh") == 28  # 'tỉnh' is not 'tỉ'


def test_the_curated_province_figures_are_what_the_curation_step_writes():
    """province_figures.csv is regenerated from the snapshot (python -m etl.curate): nobody edits it by hand."""
    from etl import curate
    rows = curate.curate()
    assert [{k: r[k] for k in curate.COLUMNS} for r in rows] == _pf_rows()


def test_unclear_rows_say_what_is_unclear():
    rows = {r["pf_id"]: r for r in _pf_rows()}
    by = lambda name, measure: next(r for r in rows.values() if r["scope_name"] == name and r["measure_as_written"] == measure)
    assert "counterpart_funds_unclear" in by("Đắk Lắk", "total_incl_counterpart_or_support (unclear)")["flags"]
    assert "plan_or_actual_unclear" in by("Cao Bằng", "total_state_support")["flags"]
    assert "year_inferred" in by("Cả nước", "KCQG_plan")["flags"]  # the 2021 national plan: year from context
    nghe_an = [r for r in rows.values() if r["scope_name"] == "Nghệ An" and r["period"] == "undated"]
    assert nghe_an and all("year_not_stated" in r["flags"] for r in nghe_an)
    reposts = [r for r in rows.values() if "confirm before use" in r["reliability"]]
    assert reposts and all(r["confirmation"] != "primary" for r in reposts)


def test_a_province_figure_is_what_the_warehouse_shows_with_origin_published(con):
    """Lâm Đồng spent 1,8 tỷ of KCQG and 8,3 tỷ of KCĐP in 2017 (baolamdong): the dashboard's row says so, marked
    published, and the demo fills only what the source leaves open (the plans), never below what was spent."""
    row = con.execute("""SELECT kcqg_actual_mvnd, kcdp_actual_mvnd, kcqg_planned_mvnd, kcdp_planned_mvnd, budget_origin
                         FROM v_unit_year WHERE era='63' AND unit_code='68' AND year=2017""").fetchone()
    assert row[:2] == (1800, 8300) and row[4] == "demo+published"
    assert row[2] >= 1800 and row[3] >= 8300
    origins = con.execute("""SELECT fund, planned_origin, actual_origin FROM budget_current
                             WHERE era='63' AND unit_code='68' AND year=2017 ORDER BY fund""").fetchall()
    assert origins == [("kcdp", "demo", "published"), ("kcqg", "demo", "published")]
    # Sơn La received no KCQG in 2025 (its Sở Công Thương): nothing planned, nothing spent
    assert con.execute("SELECT planned_mvnd, actual_mvnd FROM budget_current WHERE era='34' AND unit_code='14' "
                       "AND year=2025 AND fund='kcqg'").fetchone() == (0, 0)


def test_the_2021_national_plan_and_regional_anchors_hold(con):
    """2021: 188 tỷ KCĐP planned nationwide; of the 150 tỷ KCQG plan only 75,6 tỷ was assigned, so the units' KCQG
    plans stay within it; Miền Trung – Tây Nguyên spent 11,07 of 11,14 tỷ KCQG. The south spent 7,73 tỷ KCQG in 2013."""
    kcqg, kcdp = con.execute("SELECT kcqg_planned_mvnd, kcdp_planned_mvnd FROM v_nation_year WHERE year=2021").fetchone()
    assert kcdp == 188000 and kcqg <= 75600
    mt = con.execute("""SELECT kcqg_actual_mvnd, kcqg_planned_mvnd FROM v_group_year WHERE grouping_id='kc_area'
                        AND group_id='mien-trung-tay-nguyen' AND year=2021""").fetchone()
    assert mt == (11070, 11140)
    south = con.execute("""SELECT kcqg_actual_mvnd, kcdp_actual_mvnd FROM v_group_year WHERE grouping_id='kc_area'
                           AND group_id='phia-nam' AND year=2013""").fetchone()
    assert south == (7730, 46330)


def test_the_build_fails_naming_a_published_figure_the_demo_cannot_meet(tmp_path):
    """A province said to spend more KCQG than its whole region did (Lâm Đồng 30 tỷ of MT-TN's 27,7 tỷ in 2017)
    cannot be reconciled: the build stops, names the figure, and keeps the previous database."""
    import shutil
    from etl import build
    from etl.errors import BuildError
    data = tmp_path / "data"
    shutil.copytree(ROOT / "data", data, ignore=shutil.ignore_patterns("*.duckdb", "imports", "geo"))
    p = data / "published/province_figures.csv"
    text = p.read_text(encoding="utf-8")
    row = next(line for line in text.splitlines() if line.startswith("pf155,"))
    assert ",1800,triệu đồng," in row
    p.write_text(text.replace(row, row.replace(",1800,triệu đồng,", ",30000,triệu đồng,")), encoding="utf-8")
    with pytest.raises(BuildError) as err:
        build.build(tmp_path / "kc.duckdb", data_dir=data, log=lambda *_: None)
    assert "pf155" in str(err.value) and "mt17_kcqg" in str(err.value) and "2017" in str(err.value)
    assert not (tmp_path / "kc.duckdb").exists()


def test_the_build_fails_naming_a_published_count_the_demo_cannot_meet(tmp_path):
    """A province's published đề án count is a fact row and a calibration target: Bắc Giang said to run 300 KCQG đề
    án in 2016, more than the 230 of the whole country, cannot be reconciled: the build stops naming both figures."""
    import shutil
    from etl import build
    from etl.errors import BuildError
    data = tmp_path / "data"
    shutil.copytree(ROOT / "data", data, ignore=shutil.ignore_patterns("*.duckdb", "imports", "geo"))
    p = data / "published/province_figures.csv"
    text = p.read_text(encoding="utf-8")
    row = next(line for line in text.splitlines() if line.startswith("pf046,"))
    assert ",projects.count.kcqg,n_de_an_KCQG,3,đề án," in row and row.endswith(",fact,,")
    p.write_text(text.replace(row, row.replace(",n_de_an_KCQG,3,", ",n_de_an_KCQG,300,")), encoding="utf-8")
    with pytest.raises(BuildError) as err:
        build.build(tmp_path / "kc.duckdb", data_dir=data, log=lambda *_: None)
    assert "pf046" in str(err.value) and "n16_kcqg_projects" in str(err.value) and "2016" in str(err.value)
    assert not (tmp_path / "kc.duckdb").exists()


def test_kinh_phi_danh_cho_is_read_as_a_plan_in_every_seed():
    """Seed 000's "kinh phí dành cho … khoảng 100 tỷ đồng/năm, được chia cho 63 tỉnh" and seed 001's "tổng kinh phí
    cả nước dành cho công tác khuyến công gần 260 tỉ" say the same thing — money set aside — so both are checked
    against plans, never one against plans and the other against spending."""
    rows = {r["figure_id"]: r for r in _rows("figures.csv")}
    read = {fid: rows[fid]["measure"].rsplit(".", 1)[1] for fid in ("n16_18_kcqg_avg", "n17_total_plan")}
    assert read == {"n16_18_kcqg_avg": "planned", "n17_total_plan": "planned"}
    assert all("dành cho" in rows[fid]["quote"] for fid in read)


def test_paraphrased_quotes_say_so():
    """A FACTS.md row written in the research note's words (an ellipsis, 'tỷ' inside English) is marked as such."""
    for r in _rows("figures.csv"):
        if r["source_id"].startswith("facts-") and "…" in r["quote"]:
            assert r["note"].startswith("Quote elided or paraphrased"), r["figure_id"]


def test_seed_targets_of_binh_duong_2021_2025_are_stored():
    rows = {r["figure_id"]: r for r in _rows("figures.csv")}
    got = {fid: (float(rows[fid]["value"]), rows[fid]["qualifier"]) for fid in rows if fid.startswith("bd21_25_")}
    assert got["bd21_25_mgmt_training"] == (800, "about") and got["bd21_25_models"] == (2, "atleast")
    assert got["bd21_25_relocation"] == got["bd21_25_pollution_treatment"] == (4, "atleast")
    assert got["bd21_25_fairs"] == (20, "exact") and got["bd21_25_fair_establishments"] == (50, "exact")
