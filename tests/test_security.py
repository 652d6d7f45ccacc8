"""Security: paths never escape RAW_DIR, the repository holds no secret, BI access is read-only."""

from __future__ import annotations

import re
import subprocess
from pathlib import Path

import pytest

from ingest.landing import iter_raw_files, land_file, resolve_inside
from ingest.warehouse import connect, land_directory

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture
def tree(tmp_path: Path) -> tuple[Path, Path]:
    """RAW_DIR with a good file, plus a secret file and folder outside it."""
    raw = tmp_path / "raw"
    raw.mkdir()
    (raw / "ok.txt").write_text("报告", encoding="utf-8")
    outside = tmp_path / "outside"
    outside.mkdir()
    (outside / "secret.txt").write_text("password=hunter2")
    return raw, outside


def test_symlinks_pointing_outside_are_skipped(tree):
    raw, outside = tree
    (raw / "link.txt").symlink_to(outside / "secret.txt")
    (raw / "linked_dir").symlink_to(outside, target_is_directory=True)
    (raw / "relative.txt").symlink_to(Path("..") / "outside" / "secret.txt")
    (raw / "inside_link.txt").symlink_to(raw / "ok.txt")  # stays inside: allowed
    (raw / "loop").symlink_to(raw / "loop")
    names = [p.relative_to(raw).as_posix() for p in iter_raw_files(raw)]
    assert names == ["inside_link.txt", "ok.txt"]


def test_dotdot_components_never_resolve_outside(tree):
    raw, outside = tree
    assert resolve_inside(raw, Path("../outside/secret.txt")) is None
    assert resolve_inside(raw, Path("sub/../../outside/secret.txt")) is None
    assert resolve_inside(raw, Path("/etc/passwd")) is None  # an absolute path replaces the root
    assert resolve_inside(raw, Path(".")) is None
    assert resolve_inside(raw, Path("ok.txt")) == (raw / "ok.txt").resolve()


def test_a_symlink_swapped_in_after_listing_is_refused(tree):
    raw, outside = tree
    victim = raw / "report.txt"
    victim.write_text("报告")
    listed = list(iter_raw_files(raw))
    assert victim in listed
    victim.unlink()
    victim.symlink_to(outside / "secret.txt")  # swapped between the listing and the read
    landed = land_file(victim, root=raw)
    assert landed.text is None and landed.raw_bytes is None
    assert "outside" in landed.decode_error


def test_landing_a_hostile_raw_dir_stores_nothing_from_outside(tree, tmp_path: Path):
    raw, outside = tree
    (raw / "link.txt").symlink_to(outside / "secret.txt")
    (raw / "linked_dir").symlink_to(outside, target_is_directory=True)
    con = connect(tmp_path / "w.duckdb")
    try:
        land_directory(con, raw)
        texts = [r[0] or "" for r in con.execute("select text from raw.landed_files").fetchall()]
        paths = [r[0] for r in con.execute("select source_path from raw.landed_paths").fetchall()]
    finally:
        con.close()
    assert not any("hunter2" in t for t in texts)
    assert all(Path(p).resolve().is_relative_to(raw.resolve()) for p in paths)


SECRET_PATTERNS = {
    "private key": re.compile(r"-----BEGIN (?:RSA |EC |OPENSSH |DSA )?PRIVATE KEY-----"),
    "AWS access key": re.compile(r"\bAKIA[0-9A-Z]{16}\b"),
    "GitHub token": re.compile(r"\bgh[pousr]_[A-Za-z0-9]{30,}\b"),
    "Slack token": re.compile(r"\bxox[abpr]-[A-Za-z0-9-]{10,}"),
    "OpenAI-style key": re.compile(r"\bsk-[A-Za-z0-9]{32,}\b"),
    "password literal": re.compile(r"(?i)\b(?:password|passwd|secret|api_key|token)\s*[:=]\s*['\"][^'\"\s]{6,}['\"]"),
    "credentials in a URL": re.compile(r"\b[a-z][a-z0-9+.-]*://[^/\s:@]+:[^/\s:@]+@"),
}


def repository_files() -> list[Path]:
    """Tracked files and new files not ignored: what a commit would publish."""
    out = subprocess.run(["git", "ls-files", "--cached", "--others", "--exclude-standard"],
                         cwd=ROOT, capture_output=True, text=True, check=True).stdout
    return [ROOT / line for line in out.splitlines() if line]


def find_secrets(files: list[Path]) -> list[str]:
    hits = []
    for path in files:
        if not path.is_file() or path.stat().st_size > 2_000_000 or path == Path(__file__).resolve():
            continue
        try:
            text = path.read_text(encoding="utf-8")
        except (UnicodeDecodeError, OSError):
            continue
        for what, pattern in SECRET_PATTERNS.items():
            if pattern.search(text):
                hits.append(f"{path.relative_to(ROOT) if path.is_relative_to(ROOT) else path}: {what}")
    return hits


def test_the_scanner_finds_a_planted_secret(tmp_path: Path):
    planted = tmp_path / "settings.py"
    planted.write_text('API_KEY = "x"\napi_key = "s3cr3t-value-123"\n')
    assert [h.split(": ", 1)[1] for h in find_secrets([planted])] == ["password literal"]
    key = tmp_path / "id_rsa"
    key.write_text("-----BEGIN RSA PRIVATE KEY-----\nMII...\n")
    assert find_secrets([key]) and "private key" in find_secrets([key])[0]


def test_the_repository_holds_no_secret():
    files = repository_files()
    assert len(files) > 50
    assert find_secrets(files) == []


def test_local_state_and_warehouses_are_ignored_by_git():
    ignored = subprocess.run(
        ["git", "check-ignore", "--no-index", ".dagster/x", "data/warehouse.duckdb", "data/exports/current",
         ".venv/x", "dbt/logs/dbt.log"],
        cwd=ROOT, capture_output=True, text=True).stdout.split()
    assert len(ignored) == 5, ignored
