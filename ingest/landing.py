"""Landing raw files: hash, decode, and keep every byte.

A file is identified by the sha256 of its bytes, so the same report under two
names is one report seen at two paths, and re-landing adds nothing.

Paths never escape RAW_DIR: a symlink (or a `..` component) resolving outside
it is skipped, and the file is opened through its resolved path with
O_NOFOLLOW, so swapping a symlink in after the check cannot redirect the read.
"""

from __future__ import annotations

import hashlib
import os
import stat
from collections.abc import Iterator
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from pathlib import Path

from ingest.documents import NOT_READ, container_kind, docx_text, pdf_text
from ingest.text import decode_bytes, html_to_text, is_html

# Files above this size are still landed (bytes kept) but not decoded into text
# for parsing: no real annual report comes near it, and decoding a huge blob
# would stall the run for every other file.
MAX_TEXT_BYTES = 64 * 1024 * 1024
# Files above this size are hashed by streaming and recorded without their bytes:
# holding them in memory (and in the warehouse) would bound nothing.
MAX_LANDED_BYTES = 256 * 1024 * 1024
# The decoded text kept in the warehouse is cut here (the bytes are always kept whole):
# DuckDB needs several times a value's size to insert it, and the parser reads only
# the first ingest.parse.MAX_PARSE_CHARS characters anyway (recording an issue).
MAX_KEPT_TEXT_CHARS = 4_000_000
_CHUNK = 1024 * 1024

# Names of files that are still being downloaded or edited: never landed.
PARTIAL_SUFFIXES = (".part", ".partial", ".tmp", ".crdownload", ".download", ".swp", "~")


@dataclass(frozen=True, slots=True)
class LandedFile:
    report_id: str
    source_path: str
    file_name: str
    size_bytes: int
    encoding: str | None
    decode_error: str | None
    text: str | None
    raw_bytes: bytes | None  # None only above MAX_LANDED_BYTES or when unreadable
    ingested_at: datetime
    # text, html (markup stripped into `text`), docx and pdf (read into `text`), ole2, zip, unknown
    content_type: str = "text"
    mtime_ns: int | None = None


def resolve_inside(root: Path, candidate: Path) -> Path | None:
    """The fully resolved candidate if it stays inside root (symlinks and `..` followed), else None."""
    try:  # os.path rather than Path.resolve: this runs once per landed file
        real_root = os.path.realpath(root, strict=True)
        resolved = os.path.realpath(os.path.join(root, candidate), strict=True)
    except (OSError, RuntimeError, ValueError):  # missing, a symlink loop, a NUL in the name
        return None
    if not resolved.startswith(real_root.rstrip(os.sep) + os.sep):
        return None
    return Path(resolved)


def is_candidate_name(relative: Path) -> bool:
    """Hidden files and folders and partial downloads are not reports (yet)."""
    if any(part.startswith(".") for part in relative.parts):
        return False
    return not relative.name.endswith(PARTIAL_SUFFIXES)


def iter_raw_files(raw_dir: Path) -> Iterator[Path]:
    """Every regular file below raw_dir whose real location is inside it, sorted (see raw_file_names)."""
    return (Path(name) for name in raw_file_names(raw_dir))


def raw_file_names(raw_dir: Path) -> list[str]:
    """The paths iter_raw_files yields, as strings: pathlib costs ~15 µs per file, a quarter of
    listing and checking 100k unchanged files.

    A walk with os.scandir: only symlinks are resolved (a plain entry of a folder
    inside the root is inside it), which keeps a scan of 100k files to a fraction
    of a second. Symlinked folders are followed when they stay inside, once each.
    """
    root = Path(raw_dir)
    if not root.is_dir():
        return []
    found: list[str] = []
    _walk(root, "", found, {os.path.realpath(root)})
    # The order of Path objects, component by component: a separator sorts before any character.
    found.sort(key=lambda rel: rel.replace(os.sep, "\0"))
    base = str(root)
    return [os.path.join(base, rel) for rel in found]


def _walk(root: Path, rel_dir: str, found: list[str], seen_dirs: set[str]) -> None:
    try:
        entries = list(os.scandir(os.path.join(root, rel_dir)))
    except OSError:
        return
    for entry in entries:
        relative = os.path.join(rel_dir, entry.name)
        if entry.name.startswith("."):
            continue
        try:
            if entry.is_symlink():
                resolved = resolve_inside(root, Path(relative))
                if resolved is None:
                    continue
                if resolved.is_dir():
                    if str(resolved) not in seen_dirs:
                        seen_dirs.add(str(resolved))
                        _walk(root, relative, found, seen_dirs)
                elif resolved.is_file() and is_candidate_name(Path(relative)):
                    found.append(relative)
            elif entry.is_dir(follow_symlinks=False):
                real = os.path.realpath(entry.path)
                if real not in seen_dirs:
                    seen_dirs.add(real)
                    _walk(root, relative, found, seen_dirs)
            elif entry.is_file(follow_symlinks=False) and not entry.name.endswith(PARTIAL_SUFFIXES):
                found.append(relative)  # hidden names were skipped above, folders on the way down
        except OSError:
            continue


def decode_landed(data: bytes) -> tuple[str | None, str | None, str | None, str]:
    """(text, encoding, error, content_type) for a file's bytes; HTML, Word .docx and PDF are
    reduced to text here.

    Converting at landing keeps `landed_files.text` the text whose lines the
    facts' source_line point at.
    """
    if len(data) > MAX_TEXT_BYTES:
        return None, None, f"file too large to parse ({len(data)} bytes > {MAX_TEXT_BYTES})", "unknown"
    kind = container_kind(data)
    if kind == "docx":
        try:
            text = docx_text(data)
        except ValueError as exc:
            return None, None, f"Word .docx could not be read: {exc}", "docx"
        if not text.strip():
            return None, "utf-8", "Word .docx without text", "docx"
        return text[:MAX_KEPT_TEXT_CHARS], "utf-8", None, "docx"
    if kind == "pdf":
        try:
            text = pdf_text(data)
        except ValueError as exc:
            return None, None, str(exc), "pdf"
        return text[:MAX_KEPT_TEXT_CHARS], "pdf", None, "pdf"
    if kind is not None:
        return None, None, NOT_READ[kind], kind
    decoded = decode_bytes(data)
    if decoded.text is None:
        return None, decoded.encoding, decoded.error, "unknown"
    if is_html(decoded.text):
        try:
            text = html_to_text(decoded.text)
        except Exception as exc:  # noqa: BLE001 - a hostile page must not stop landing
            return None, decoded.encoding, f"HTML could not be reduced to text: {exc}", "html"
        return text[:MAX_KEPT_TEXT_CHARS], decoded.encoding, None, "html"
    return decoded.text[:MAX_KEPT_TEXT_CHARS], decoded.encoding, None, "text"


def land_bytes(data: bytes, source_path: str, now: datetime | None = None) -> LandedFile:
    text, encoding, error, content_type = decode_landed(data)
    return LandedFile(
        report_id=hashlib.sha256(data).hexdigest(),
        source_path=source_path,
        file_name=os.path.basename(source_path),
        size_bytes=len(data),
        encoding=encoding,
        decode_error=error,
        text=text,
        raw_bytes=data,
        ingested_at=now or datetime.now(UTC).replace(tzinfo=None),
        content_type=content_type,
    )


def _unreadable(path: Path, reason: str, now: datetime | None) -> LandedFile:
    """A file that cannot be read is still recorded, keyed by its path."""
    return LandedFile(
        report_id=hashlib.sha256(f"unreadable:{path}".encode()).hexdigest(),
        source_path=str(path), file_name=path.name, size_bytes=0, encoding=None,
        decode_error=f"unreadable: {reason}", text=None, raw_bytes=None,
        ingested_at=now or datetime.now(UTC).replace(tzinfo=None), content_type="unknown",
    )


def _open_inside(root: Path | None, path: Path) -> int:
    """An fd for path, refusing anything whose real location is outside root or not a regular file."""
    target = path
    if root is not None:
        resolved = resolve_inside(root, path.relative_to(root) if path.is_absolute() else path)
        if resolved is None:
            raise PermissionError(f"{path} resolves outside {root}")
        target = resolved
    fd = os.open(target, os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK)
    if not stat.S_ISREG(os.fstat(fd).st_mode):
        os.close(fd)
        raise PermissionError(f"{path} is not a regular file")
    return fd


def land_file(path: Path, now: datetime | None = None, root: Path | None = None) -> LandedFile:
    """Read, hash and decode one file; never raises (an unreadable file is landed with the reason)."""
    try:
        fd = _open_inside(root, path)
    except OSError as exc:
        return _unreadable(path, str(exc), now)
    try:
        st = os.fstat(fd)
        with os.fdopen(fd, "rb") as fh:
            if st.st_size > MAX_LANDED_BYTES:
                digest, size = hashlib.sha256(), 0
                while chunk := fh.read(_CHUNK):
                    digest.update(chunk)
                    size += len(chunk)
                return LandedFile(
                    report_id=digest.hexdigest(), source_path=str(path), file_name=path.name,
                    size_bytes=size, encoding=None,
                    decode_error=f"file too large to land ({size} bytes > {MAX_LANDED_BYTES}); bytes not kept",
                    text=None, raw_bytes=None, ingested_at=now or datetime.now(UTC).replace(tzinfo=None),
                    content_type="unknown", mtime_ns=st.st_mtime_ns,
                )
            data = fh.read()
    except OSError as exc:
        return _unreadable(path, str(exc), now)
    return replace(land_bytes(data, str(path), now), mtime_ns=st.st_mtime_ns)
