"""Hostile and careless files, and loads that fail halfway (issue 9, parts 4 and 5).

Every file here is either loaded with the right numbers or refused with file, sheet, row and column named in
Vietnamese and English — quickly, in bounded memory, and with the database byte for byte as it was. Loads killed,
run twice at once, or stopped by a full or read-only disk leave the previous database serving, and the import log
and the archive agreeing with it."""
from __future__ import annotations

import errno
import hashlib
import os
import random
import shutil
import signal
import stat
import subprocess
import sys
import time
import tracemalloc
import unicodedata
import zipfile
from pathlib import Path

import duckdb
import openpyxl
import pytest

from conftest import ROOT
from import_corpus import hostile
from import_corpus import make_corpus as corpus
from test_imports import BUDGET, Warehouse, _tables, pristine, quiet, wh  # noqa: F401 — fixtures used below

from etl import build, warehouse
from etl.reports import archive, load

STAFF = "SELECT staff_total, origin FROM staffing_current WHERE era='63' AND unit_code=? AND year=?"


def sha(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def refused(wh: Warehouse, path, *words, **kw) -> str:
    """Load `path`; it must be refused with every word in the message and nothing changed. Returns the message."""
    before, digest = wh.state(), sha(wh.db)
    r = wh.load(path, **kw)
    said = "\n".join(str(e) for e in r.errors)
    assert [f.outcome for f in r.files] == ["rejected"], load.report(r)
    for w in words:
        assert w in said, f"{w!r} not in:\n{said}"
    assert sha(wh.db) == digest and wh.state() == before
    return said


# --------------------------------------------------------------------------- workbooks that would eat the server

BOMBS = {
    "zip bomb (1 GB sheet)": (hostile.zip_bomb, ["xl/worksheets/sheet1.xml", "1024 MB", "giải nén", "unpacks"]),
    "one 1,5 GB cell": (hostile.huge_cell, ["1536 MB", "limits 64 MB"]),
    "2 GB shared string": (hostile.huge_shared_string, ["xl/sharedStrings.xml", "2047 MB"]),
    "20 million shared strings": (hostile.twenty_million_strings, ["xl/sharedStrings.xml", "giới hạn"]),
    "1,1 million shared strings, undeclared": (hostile.many_strings_undeclared,
                                               ["chuỗi dùng chung", "over 1,000,000 strings"]),
    "20.000 rows to XFD": (hostile.xfd_rows, ["trang Kinh phí", "A1:XFD20001", "200 cột", "200 columns"]),
    "20.000 rows to XFD, undeclared": (lambda p: hostile.xfd_rows(p, False),
                                       ["trang Kinh phí", "dòng 2", "cột «XFD»", "XFD2", "beyond the first 200"]),
    "a million rows": (hostile.million_rows, ["trang Kinh phí", "A1:A1000000", "over 100,000 rows"]),
    "a million rows, undeclared": (lambda p: hostile.million_rows(p, False),
                                   ["trang Kinh phí", "quá 100.000 dòng", "over 100,000 rows"]),
}


@pytest.mark.parametrize("case", list(BOMBS))
def test_a_workbook_that_would_inflate_is_refused_quickly_in_bounded_memory(wh, case):
    make, words = BOMBS[case]
    path = make(wh.files / "bao-cao.xlsx")
    assert path.stat().st_size < 10 * 1024 * 1024, "the fixture must pass the plain size limit to test anything"
    tracemalloc.start()
    cpu, wall = time.process_time(), time.monotonic()
    try:
        said = refused(wh, path, "bao-cao.xlsx", *words)
        cpu, wall = time.process_time() - cpu, time.monotonic() - wall
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    print(f"{case}: refused in {cpu:.2f} s CPU ({wall:.2f} s wall), peak {peak / 2**20:.0f} MB")
    assert cpu < 5, f"{cpu:.1f} s of CPU to refuse"
    assert peak < 200 * 2**20, f"{peak / 2**20:.0f} MB to refuse"
    assert len(said) < 1000


def test_a_truncated_an_empty_and_a_disguised_file_are_refused(wh):
    good = corpus.good_template(wh.files).read_bytes()
    (wh.files / "cat-cut.xlsx").write_bytes(good[: len(good) - 200])
    refused(wh, wh.files / "cat-cut.xlsx", "cat-cut.xlsx", "bị hỏng", "corrupt")
    for name in ("trong.xlsx", "trong.csv"):
        (wh.files / name).write_bytes(b"")
        refused(wh, wh.files / name, name, "tệp trống (0 byte)", "the file is empty")


# --------------------------------------------------------------------------- names, links

def test_a_file_name_with_folders_and_bidi_overrides_is_stored_clean(wh):
    data = corpus.good_staffing_csv(wh.files).read_bytes()
    r = wh.load(("../../etc/ba\u202eo-cao\x07.csv", data))
    assert r.ok, load.report(r)
    [(name, archived)] = wh.all("SELECT file_name, archive_path FROM import_log")
    assert name == "bao-cao.csv"
    assert archived == f"imports/{hashlib.sha256(data).hexdigest()}.csv"
    assert sorted(p.name for p in wh.archive.iterdir() if not p.name.startswith(".")) == sorted(
        [Path(archived).name, Path(archived).stem + ".json"])
    assert archive.read_manifests(wh.archive)[0].original_name == "bao-cao.csv"


def test_shell_characters_in_a_file_name_are_only_text(wh):
    path = wh.files / "bc; touch PWNED $(touch PWNED2) `id`.csv"
    path.write_bytes(corpus.good_staffing_csv(wh.files).read_bytes())
    cmd = [sys.executable, "-m", "etl", "load", "--db", str(wh.db), "--data-dir", str(wh.data), str(path)]
    r = subprocess.run(cmd, cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert r.returncode == 0, r.stdout + r.stderr
    assert not [p for d in (wh.files, ROOT, wh.data) for p in d.glob("PWNED*")]
    assert wh.one("SELECT file_name FROM import_log") == (path.name,)


def test_a_symlink_is_refused_not_followed(wh):
    target = corpus.good_staffing_csv(wh.files)
    link = wh.files / "lien-ket.csv"
    link.symlink_to(target)
    refused(wh, link, "lien-ket.csv", "liên kết tượng trưng", "symbolic link")
    dev = refused(wh, Path("/dev/zero"), "không phải là tệp thông thường", "not a regular file")
    assert "zero" in dev


# --------------------------------------------------------------------------- encodings and layouts

STAFF_CSV = "Tỉnh/thành;Năm;Tổng số cán bộ (người);Cán bộ làm việc đến cơ sở (người)\nĐắk Lắk;2022;21;9\nHòa Bình;2021;14;6\n"


def cp1258(text: str) -> bytes:
    """Text as Excel on a Vietnamese Windows saves «CSV»: Windows-1258, tone marks as combining characters."""
    out = b""
    for ch in unicodedata.normalize("NFC", text):
        base, *marks = unicodedata.normalize("NFD", ch)
        for i in range(len(marks), -1, -1):  # ô, ơ, ư, ă are in the code page; tone marks are combining
            head = unicodedata.normalize("NFC", base + (marks[i] if i < len(marks) else ""))
            try:
                out += head.encode("cp1258") + "".join(m for j, m in enumerate(marks) if j != i).encode("cp1258")
                break
            except UnicodeEncodeError:
                continue
        else:
            raise UnicodeEncodeError("cp1258", ch, 0, 1, "not encodable")
    return out


@pytest.mark.parametrize("encoding", ["utf-16", "utf-16-be-bom", "cp1258", "utf-8-sig"])
def test_csv_in_the_encodings_excel_writes_loads(wh, encoding):
    data = {"utf-16": STAFF_CSV.encode("utf-16"), "utf-16-be-bom": b"\xfe\xff" + STAFF_CSV.encode("utf-16-be"),
            "cp1258": cp1258(STAFF_CSV), "utf-8-sig": STAFF_CSV.encode("utf-8-sig")}[encoding]
    r = wh.load(("nhan-luc.csv", data))
    assert r.ok, load.report(r)
    assert wh.one(STAFF, ["66", 2022]) == (21, "imported")  # Đắk Lắk
    assert wh.one(STAFF, ["17", 2021]) == (14, "imported")  # Hòa Bình
    said = "\n".join(str(w) for w in r.warnings)
    assert ("Windows-1258" in said) == (encoding == "cp1258")


def test_a_header_shifted_down_and_right_is_found(wh):
    path = corpus.plain_workbook(wh.files / "lech.xlsx", [
        ["BÁO CÁO KINH PHÍ KHUYẾN CÔNG"], [], ["Đơn vị: triệu đồng"], [], [],
        [None, None, "Tỉnh/thành", "Năm", "Nguồn", "Kế hoạch (triệu đồng)", "Thực hiện (triệu đồng)"],
        [None, None, "Hòa Bình", 2023, "KCQG", 1234, 1100]], title="Kinh phí")
    r = wh.load(path)
    assert r.ok, load.report(r)
    assert wh.one(BUDGET, ["63", "17", 2023, "kcqg"]) == (1234, 1100, "imported")


def _merged_header(path: Path) -> Path:
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "Kinh phí"
    ws["A1"], ws["B1"], ws["C1"], ws["D1"] = "Tỉnh/thành", "Năm", "Nguồn", "Kinh phí (tỷ đồng)"
    ws["D2"], ws["E2"] = "Kế hoạch", "Thực hiện"
    for ref in ("A1:A2", "B1:B2", "C1:C2", "D1:E1"):
        ws.merge_cells(ref)
    ws.append(["Hòa Bình", 2023, "KCQG", 1.5, 1.25])
    wb.save(path)
    return path


def test_a_merged_two_row_header_reads_each_column_with_the_unit_above_it(wh):
    r = wh.load(_merged_header(wh.files / "gop-o.xlsx"))
    assert r.ok, load.report(r)
    assert wh.one(BUDGET, ["63", "17", 2023, "kcqg"]) == (1500, 1250, "imported")  # tỷ đồng from the merged cell


def _with_sheet(path: Path, title: str, state: str) -> Path:
    wb = corpus.template()
    wb["Kinh phí"].append(["Hòa Bình", 2023, "KCQG", 100, 90])
    ws = wb.create_sheet(title)
    ws.append(["Tỉnh/thành", "Năm", "Nguồn", "Kế hoạch (triệu đồng)", "Thực hiện (triệu đồng)"])
    ws.append(["Hà Nội", 2023, "KCQG", 999999, 999999])
    ws.sheet_state = state
    return corpus.save(wb, path)


@pytest.mark.parametrize("state,words", [("hidden", ["bị ẩn", "is hidden"]),
                                         ("veryHidden", ["ẩn sâu", "very hidden"])])
def test_a_hidden_sheet_is_refused_naming_it(wh, state, words):
    refused(wh, _with_sheet(wh.files / "an.xlsx", "Bổ sung", state), "an.xlsx", "trang Bổ sung", "sheet Bổ sung",
            *words)


def test_an_unrelated_sheet_is_ignored_with_a_note(wh):
    wb = corpus.template()
    wb["Kinh phí"].append(["Hòa Bình", 2023, "KCQG", 100, 90])
    wb.create_sheet("Ghi chú").append(["Người lập biểu", "Nguyễn Văn A"])
    r = wh.load(corpus.save(wb, wh.files / "them-trang.xlsx"))
    assert r.ok, load.report(r)
    assert any(w.sheet == "Ghi chú" and "ignored" in w.message_en for w in r.warnings)


TOTAL_CSV = ("Tỉnh/thành;Năm;Nguồn;Kế hoạch (triệu đồng);Thực hiện (triệu đồng)\n"
             "Hòa Bình;2023;KCQG;1.234,5;1.100\nHà Nội;2023;KCQG;2.000;1.900\n{label};;;{planned};3.000\n")


@pytest.mark.parametrize("label", ["Tổng cộng", "Cộng", "Tổng", "TỔNG CỘNG"])
def test_a_total_row_that_adds_up_is_checked_and_not_loaded(wh, label):
    r = wh.load(("tong.csv", TOTAL_CSV.format(label=label, planned="3.234,5").encode("utf-8")))
    assert r.ok, load.report(r)
    assert r.rows["budget"] == 2
    assert any(w.row == 4 and "total row" in w.message_en for w in r.warnings)


def test_a_total_row_that_does_not_add_up_is_refused_where_it_stands(wh):
    said = refused(wh, ("tong-sai.csv", TOTAL_CSV.format(label="Tổng cộng", planned="3.300").encode("utf-8")),
                   "tong-sai.csv", "dòng 4", "cột «Kế hoạch (triệu đồng)»", "3.300", "3.234,5", "add up to")
    assert "Thực hiện" not in said  # 1.100 + 1.900 = 3.000 is right


def test_subtotals_and_a_grand_total_both_check(wh):
    csv = ("Tỉnh/thành;Năm;Nguồn;Kế hoạch (triệu đồng);Thực hiện (triệu đồng)\n"
           "Hòa Bình;2023;KCQG;100;90\nHà Nội;2023;KCQG;200;180\nCộng;;;300;270\n"
           "Lào Cai;2023;KCQG;50;40\nCộng;;;50;40\nTổng cộng;;;350;310\n")
    r = wh.load(("nhom.csv", csv.encode("utf-8")))
    assert r.ok, load.report(r)
    assert r.rows["budget"] == 3


# --------------------------------------------------------------------------- text

PROJECT_HEAD = "Mã đề án,Tỉnh/thành,Năm,Nguồn (KCQG/KCĐP),Nội dung,Tên đề án,Kế hoạch (triệu đồng),Thực hiện (triệu đồng)\n"


@pytest.mark.parametrize("char", ["\x00", "\x1b", "\x7f", "\x85"])
def test_a_control_character_in_a_text_cell_is_refused_never_stored(wh, char):
    csv = PROJECT_HEAD + f"DA-1,Hà Nội,2024,KCQG,Đào tạo nghề,Dệt{char}may,100,90\n"
    code = f"U+{ord(char):04X}"
    refused(wh, ("dieu-khien.csv", csv.encode("utf-8")), "dieu-khien.csv", "dòng 2", "cột «Tên đề án»", code,
            "ký tự điều khiển", "control character")
    assert wh.one("SELECT count(*) FROM project WHERE contains(title_vi, ?)", [char]) == (0,)


def test_a_control_character_in_a_workbook_cell_is_refused(wh):
    """XML cannot hold most control characters, but DEL (U+007F) passes the XML parser: the loader must catch it."""
    path = corpus.filled(wh.files / "dk.xlsx", {"Đề án": [["DA-1", "Hà Nội", 2024, "KCQG", 1, "DệtQQQmay", 10, 9]]})
    with zipfile.ZipFile(path) as z:
        parts = {n: z.read(n).replace(b"QQQ", b"\x7f") for n in z.namelist()}
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as z:
        for n, data in parts.items():
            z.writestr(n, data)
    refused(wh, path, "dk.xlsx", "trang Đề án", "dòng 2", "cột «Tên đề án»", "U+007F")


def test_markup_and_right_to_left_overrides_are_stored_as_plain_text(wh):
    title = "<script>alert(1)</script> \u202eDệt may\u202c =HYPERLINK(\"http://x\")"
    csv = PROJECT_HEAD + f'DA-1,Hà Nội,2024,KCQG,Đào tạo nghề,"{title.replace(chr(34), chr(34) * 2)}",100,90\n'
    r = wh.load(("van-ban.csv", csv.encode("utf-8")))
    assert r.ok, load.report(r)
    assert wh.one("SELECT title_vi FROM project WHERE origin='imported'") == (title,)


def test_a_100000_character_cell_is_never_echoed_whole(wh):
    long = "Hà" * 50_000
    r = wh.load(("dai.csv", f"Tỉnh/thành,Năm,Tổng số cán bộ\n{long},2023,12\n".encode("utf-8")))
    said = load.report(r)
    assert r.files[0].outcome == "rejected"
    assert len(said) < 2000, len(said)
    assert "HàHàHà" in said and "…»" in said
    assert max(len(e.message_vi) for e in r.errors) < 700


# --------------------------------------------------------------------------- one file in a batch

def test_one_file_failing_inside_the_database_rejects_only_itself(wh):
    bad = corpus.filled(wh.files / "qua-lon.xlsx", corpus.budget("Hòa Bình", 2023, "KCQG", "99999999999999999999", 1))
    good = corpus.good_staffing_csv(wh.files)
    r = wh.load(bad, good)
    assert [f.outcome for f in r.files] == ["rejected", "loaded"], load.report(r)
    said = str(r.files[0].errors[0])
    assert "qua-lon.xlsx" in said and "\n" in said and len(said) < 1000
    assert wh.one("SELECT count(*) FROM import_log") == (1,)
    assert wh.one("SELECT count(*) FROM budget WHERE origin='imported'") == (0,)
    assert [m.original_name for m in archive.read_manifests(wh.archive)] == ["nhan-luc.csv"]


def test_an_unexpected_error_in_one_file_leaves_the_next_file_loading(wh, monkeypatch):
    real = archive.apply

    def apply(con, parsed, manifest):
        if parsed.name == "so-am.csv":
            raise ZeroDivisionError("simulated")
        real(con, parsed, manifest)

    monkeypatch.setattr(archive, "apply", apply)
    bad = ("so-am.csv", corpus.good_staffing_csv(wh.files).read_bytes() + "Hòa Bình,2022,3,1\n".encode())
    r = wh.load(bad, corpus.good_staffing_csv(wh.files))
    assert [f.outcome for f in r.files] == ["rejected", "loaded"]
    assert "ZeroDivisionError" in str(r.errors[0]) and "other files are not affected" in str(r.errors[0])


# --------------------------------------------------------------------------- the disk

def test_loading_keeps_the_database_files_permissions(wh):
    os.chmod(wh.db, 0o644)
    assert wh.load(corpus.good_staffing_csv(wh.files)).ok
    assert stat.S_IMODE(wh.db.stat().st_mode) == 0o644


def _fails_with(err: int):
    def boom(*a, **k):
        raise OSError(err, os.strerror(err), str(a[-1]) if a else None)
    return boom


@pytest.mark.parametrize("where,err,words", [
    ("copy", errno.ENOSPC, ["ổ đĩa đã đầy", "the disk is full"]),
    ("mkstemp", errno.EROFS, ["chỉ đọc", "read-only"]),
    ("archive", errno.ENOSPC, ["ổ đĩa đã đầy", "the disk is full"]),
    ("lock", errno.EACCES, ["không có quyền ghi", "not writable"]),
])
def test_a_full_disk_or_read_only_folder_is_a_short_message_and_the_old_database_serves(wh, monkeypatch, where,
                                                                                       err, words):
    from test_faults import content
    before, rows = wh.state(), content(wh.db)
    if where == "copy":
        monkeypatch.setattr(warehouse.shutil, "copyfile", _fails_with(err))
    elif where == "mkstemp":
        monkeypatch.setattr(warehouse.tempfile, "mkstemp", _fails_with(err))
    elif where == "archive":
        monkeypatch.setattr(warehouse, "write_atomic", _fails_with(err))
    else:
        monkeypatch.setattr(warehouse, "exclusive", _fails_with(err))
    with pytest.raises(warehouse.StorageError) as caught:
        wh.load(corpus.good_staffing_csv(wh.files))
    said = str(caught.value)
    for w in words:
        assert w in said, said
    assert "previous database is unchanged" in said and len(said) < 600
    monkeypatch.undo()
    assert wh.state() == before and content(wh.db) == rows


def test_the_cli_prints_a_disk_error_without_a_traceback(wh):
    code = ("import errno, sys; sys.argv[0] = 'etl'; import etl.warehouse as W\n"
            "def full(*a, **k): raise OSError(errno.ENOSPC, 'No space left on device')\n"
            "W.shutil.copyfile = full\nfrom etl.__main__ import main\n"
            f"sys.exit(main(['load', '--db', {str(wh.db)!r}, '--data-dir', {str(wh.data)!r}, "
            f"{str(corpus.good_staffing_csv(wh.files))!r}]))\n")
    r = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert r.returncode == 2
    assert "Traceback" not in r.stderr and "ổ đĩa đã đầy" in r.stderr and "the disk is full" in r.stderr


# --------------------------------------------------------------------------- killed loads and builds

def _run_killed_load(wh: Warehouse, path: Path, patch: str) -> subprocess.CompletedProcess:
    code = (f"import os, signal, sys; sys.path.insert(0, {str(ROOT)!r})\nfrom pathlib import Path\n"
            "from etl import warehouse\nfrom etl.reports import load\nreal_commit = warehouse.commit\n"
            "def die(): os.kill(os.getpid(), signal.SIGKILL)\n" + patch +
            f"\nload.load_files([Path({str(path)!r})], Path({str(wh.db)!r}), 'k', Path({str(wh.data)!r}))\n")
    return subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, timeout=180)


def _agree(wh: Warehouse) -> set[str]:
    """The import log and the archive's manifests name the same files; returns them."""
    logged = {r[0] for r in wh.all("SELECT file_sha256 FROM import_log")}
    assert {m.sha256 for m in archive.read_manifests(wh.archive)} == logged
    return logged


def test_a_load_killed_after_archiving_but_before_the_rename_leaves_no_manifest_to_replay(wh):
    path = corpus.good_staffing_csv(wh.files)
    digest, before = sha(wh.db), _tables(wh.db)
    r = _run_killed_load(wh, path, "warehouse.commit = lambda tmp, db: die()")
    assert r.returncode == -signal.SIGKILL
    assert sha(wh.db) == digest
    assert (wh.archive / f"{sha(path)}.json").exists(), "killed before archiving: nothing was tested"
    assert archive.read_manifests(wh.archive) == []  # replay ignores it even before anyone cleans up
    build.build(wh.db, data_dir=wh.data, log=quiet)  # a rebuild replays exactly what the database holds
    assert _tables(wh.db)["import_log"] == before["import_log"] == []
    assert not list(wh.archive.glob(sha(path) + ".*")), "the uncommitted archive was not removed"
    assert not [p for p in wh.db.parent.iterdir() if p != wh.db], "temporary files left beside the database"


def test_a_load_killed_after_the_rename_keeps_its_archive(wh):
    path = corpus.good_staffing_csv(wh.files)
    r = _run_killed_load(wh, path, "warehouse.commit = lambda tmp, db: (real_commit(tmp, db), die())")
    assert r.returncode == -signal.SIGKILL
    assert wh.one(STAFF, ["66", 2022]) == (20, "imported")
    warehouse.recover(wh.db, wh.archive)
    assert _agree(wh) == {sha(path)}


def test_stale_temporary_files_are_removed_by_the_next_load_but_not_a_live_one(wh):
    stale = [wh.db.parent / f"{wh.db.name}.tmp-dead1", wh.db.parent / f"{wh.db.name}.tmp-dead1.wal",
             wh.db.parent / f"{wh.db.name}.abc123.tmp", wh.archive / "x.csv.part"]
    wh.archive.mkdir(exist_ok=True)
    for p in stale:
        p.write_bytes(b"\0" * 4096)
    live = wh.db.parent / f"{wh.db.name}.tmp-live"
    holder = subprocess.Popen([sys.executable, "-c", f"import duckdb, sys; c = duckdb.connect({str(live)!r}); "
                               "c.execute('CREATE TABLE t AS SELECT 1'); print('ok', flush=True); sys.stdin.read()"],
                              stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
    try:
        assert holder.stdout.readline().strip() == "ok"
        assert wh.load(corpus.good_staffing_csv(wh.files)).ok
        assert [p.name for p in stale if p.exists()] == []
        assert live.exists(), "a temporary file a live process holds was deleted"
    finally:
        holder.communicate("", timeout=30)
    _agree(wh)


def test_loads_killed_at_random_moments_leave_a_database_that_opens_and_agrees_with_the_archive(wh):
    rng = random.Random(9)
    cmd = [sys.executable, "-m", "etl", "load", "--db", str(wh.db), "--data-dir", str(wh.data), "--by", "k"]
    for i in range(4):
        path = wh.files / f"nhan-luc-{i}.csv"
        path.write_text(f"Tỉnh/thành,Năm,Tổng số cán bộ\nHòa Bình,2020,{30 + i}\n", encoding="utf-8")
        proc = subprocess.Popen(cmd + [str(path)], cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        time.sleep(rng.uniform(0.3, 3.0))
        proc.send_signal(signal.SIGKILL)
        proc.wait(timeout=60)
        staff, origin = wh.one(STAFF, ["17", 2020])  # the database opens, with the old or a new figure
        assert origin == "demo" or staff in range(30, 31 + i), (staff, origin)
        warehouse.recover(wh.db, wh.archive)
        _agree(wh)
        assert not [p.name for p in wh.db.parent.iterdir() if p != wh.db]
    assert wh.load(corpus.good_staffing_csv(wh.files)).ok  # and the next load works
    _agree(wh)


def test_a_build_killed_at_random_moments_leaves_the_previous_database_and_no_temporaries(db_path, tmp_path):
    db = tmp_path / "khuyencong.duckdb"
    shutil.copy(db_path, db)
    os.chmod(db, 0o644)
    digest = sha(db)
    rng = random.Random(5)
    for _ in range(2):
        proc = subprocess.Popen([sys.executable, "-m", "etl", "build", "--db", str(db)], cwd=ROOT,
                                stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        time.sleep(rng.uniform(1.0, 6.0))
        proc.send_signal(signal.SIGKILL)
        proc.wait(timeout=60)
        if proc.returncode == -signal.SIGKILL:
            assert sha(db) == digest
        duckdb.connect(str(db), read_only=True).close()
    r = subprocess.run([sys.executable, "-m", "etl", "build", "--db", str(db)], cwd=ROOT, capture_output=True,
                       text=True, timeout=600)
    assert r.returncode == 0, r.stderr
    assert sorted(p.name for p in tmp_path.iterdir()) == [db.name]  # the next build cleared what the kills left
    assert stat.S_IMODE(db.stat().st_mode) == 0o644


def test_two_loads_at_once_both_land(wh):
    cmd = [sys.executable, "-m", "etl", "load", "--db", str(wh.db), "--data-dir", str(wh.data)]
    a = corpus.good_staffing_csv(wh.files)
    b = corpus.filled(wh.files / "kp.xlsx", corpus.budget("Hòa Bình", 2023, "KCQG", 1200, 1100))
    procs = [subprocess.Popen(cmd + [str(p)], cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
             for p in (a, b)]
    outs = [p.communicate(timeout=180) for p in procs]
    assert [p.returncode for p in procs] == [0, 0], outs
    assert _agree(wh) == {sha(a), sha(b)}
    assert sorted(m.sequence for m in archive.read_manifests(wh.archive)) == [1, 2]
    assert wh.one(BUDGET, ["63", "17", 2023, "kcqg"]) == (1200, 1100, "imported")
