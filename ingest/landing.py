"""Landing raw files: hash, decode, and keep every byte.

A file is identified by the sha256 of its bytes, so the same report under two
names is one report seen at two paths, and re-landing adds nothing.
"""

from __future__ import annotations

import hashlib
import os
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from ingest.text import decode_bytes

# Files above this size are still landed (bytes kept) but not decoded into text
# for parsing: no real annual report comes near it, and decoding a huge blob
# would stall the run for every other file.
MAX_TEXT_BYTES = 64 * 1024 * 1024


@dataclass(frozen=True, slots=True)
class LandedFile:
    report_id: str
    source_path: str
    file_name: str
    size_bytes: int
    encoding: str | None
    decode_error: str | None
    text: str | None
    raw_bytes: bytes
    ingested_at: datetime


def iter_raw_files(raw_dir: Path) -> Iterator[Path]:
    """Every regular file below raw_dir (sorted, hidden files and symlinks escaping it skipped)."""
    root = raw_dir.resolve()
    for path in sorted(raw_dir.rglob("*")):
        if not path.is_file() or any(part.startswith(".") for part in path.relative_to(raw_dir).parts):
            continue
        resolved = path.resolve()
        # A symlink pointing outside RAW_DIR must not pull foreign files in.
        if root != resolved and root not in resolved.parents:
            continue
        yield path


def land_bytes(data: bytes, source_path: str, now: datetime | None = None) -> LandedFile:
    report_id = hashlib.sha256(data).hexdigest()
    if len(data) > MAX_TEXT_BYTES:
        decoded_text, encoding, error = None, None, f"file too large to parse ({len(data)} bytes)"
    else:
        decoded = decode_bytes(data)
        decoded_text, encoding, error = decoded.text, decoded.encoding, decoded.error
    return LandedFile(
        report_id=report_id,
        source_path=source_path,
        file_name=os.path.basename(source_path),
        size_bytes=len(data),
        encoding=encoding,
        decode_error=error,
        text=decoded_text,
        raw_bytes=data,
        ingested_at=now or datetime.now(UTC).replace(tzinfo=None),
    )


def land_file(path: Path, now: datetime | None = None) -> LandedFile:
    try:
        data = path.read_bytes()
    except OSError as exc:  # unreadable: still recorded, keyed by the path
        data = b""
        landed = land_bytes(data, str(path), now)
        return LandedFile(**{**_asdict(landed), "decode_error": f"unreadable: {exc}",
                             "report_id": hashlib.sha256(str(path).encode()).hexdigest()})
    return land_bytes(data, str(path), now)


def _asdict(landed: LandedFile) -> dict:
    return {f: getattr(landed, f) for f in LandedFile.__slots__}
