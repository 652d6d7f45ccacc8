"""Turn one landed report into metadata, figures and parse issues.

The table parsers decide the template; prose figures are read in every
template and kept beside the table ones (the warehouse prefers the table).
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

from ingest.forms import load_forms
from ingest.layout import delimited_rows_as_tabs
from ingest.metadata import extract_metadata
from ingest.models import Fact, ParsedReport, ParseIssue, ReportMeta, TableResult
from ingest.new_table import parse_new_table
from ingest.old_table import parse_old_table
from ingest.prose import extract_prose_facts
from ingest.text import REPLACEMENT, normalize_text


def _one_per_key(facts: list[Fact], issues: list[ParseIssue], what: str) -> list[Fact]:
    """Keep the first figure per (indicator, channel, applicant); record conflicts."""
    seen: dict[tuple[str, str, str], Fact] = {}
    for fact in facts:
        first = seen.get(fact.key)
        if first is None:
            seen[fact.key] = fact
        elif first.value != fact.value:
            issues.append(
                ParseIssue(
                    code=f"duplicate_{what}_figure",
                    message=(
                        f"{'/'.join(fact.key)} stated twice in the {what} with different values: "
                        f"{first.value:g} (line {first.source_line}) kept, {fact.value:g} dropped"
                    ),
                    source_line=fact.source_line,
                    source_text=fact.source_text[:500],
                )
            )
    return list(seen.values())


_NOT_LABEL_CHARS = re.compile(r"[\s|()（）\[\]【】,，、.．:：;；\"“”'‘’《》<>0-9-]+")
# A parser runs only when the text holds at least this many of the row labels
# that are printed by its template family alone (checked on the text with all
# whitespace, pipes and digits removed, so split and glued labels still count).
MIN_ANCHOR_HITS = 2


def _label_key(text: str) -> str:
    return _NOT_LABEL_CHARS.sub("", unicodedata.normalize("NFKC", text))


@lru_cache(maxsize=1)
def anchor_labels() -> dict[str, frozenset[str]]:
    """Per template family, the row labels (and aliases) that no other family prints."""
    labels: dict[str, set[str]] = {}
    for form in load_forms().values():
        bucket = labels.setdefault(form.template, set())
        for row in form.rows:
            for label in (row.label, *row.aliases):
                key = _label_key(label)
                if len(key) >= 5:
                    bucket.add(key)
    return {t: frozenset(keys - set().union(*(v for u, v in labels.items() if u != t)))
            for t, keys in labels.items()}


def label_hits(lines: list[str]) -> dict[str, int]:
    """Per template family, how many of its distinctive row labels the text prints."""
    flat = _label_key("".join(lines))
    return {t: sum(1 for key in keys if key in flat) for t, keys in anchor_labels().items()}


def table_families(lines: list[str]) -> list[str]:
    """Template families whose tables the text may hold; both when the evidence is thin."""
    hits = label_hits(lines)
    likely = [t for t, n in hits.items() if n >= MIN_ANCHOR_HITS]
    if likely:
        return likely
    return [t for t, n in hits.items() if n > 0]


# Row labels of one family a text prints, beyond which it prints that family's table even when
# no figure of it can be read (a layout the parsers do not know, every cell blank). Tables print
# 30-70 of them; narrative reports that quote a label or two, at most 3 (2,040 reports).
MIN_TABLE_LABELS = 8


def printed_table_family(lines: list[str]) -> tuple[str, int] | None:
    """(template family, distinct row labels) of the statistics table the text prints, if one."""
    hits = sorted(((n, t) for t, n in label_hits(lines).items()), reverse=True)
    n, family = hits[0]
    return (family, n) if n >= MIN_TABLE_LABELS and (len(hits) == 1 or hits[1][0] < n) else None


def choose_table(lines: list[str]) -> TableResult | None:
    """The table parse with the most figures; the 2019+ form first on ties.

    Only the families whose distinctive labels the text holds are tried: running
    every parser on every report cost most of the parse time.
    """
    families = table_families(lines)
    parsers = {"new_table": parse_new_table, "old_table": parse_old_table}
    results = [parsers[t](lines) for t in ("new_table", "old_table") if t in families]
    candidates = [t for t in results if t and t.facts]
    if not candidates:
        return None
    return max(candidates, key=lambda t: len(t.facts))


# Real annual reports are well under 300,000 characters; beyond this the parsers
# read only the head (recorded as an issue) so one huge file cannot stall a batch.
# The warehouse reads at most MAX_PARSE_CHARS + 1 characters of a landed text.
MAX_PARSE_CHARS = 1_000_000


def parse_text(report_id: str, text: str) -> ParsedReport:
    head_issues: list[ParseIssue] = []
    if len(text) > MAX_PARSE_CHARS:
        head_issues.append(ParseIssue(
            "text_truncated_for_parsing",
            f"text longer than {MAX_PARSE_CHARS} characters; only the first {MAX_PARSE_CHARS} were parsed",
            "warning",
        ))
        text = text[:MAX_PARSE_CHARS]
    if (n_bad := text.count(REPLACEMENT)) > 0:
        head_issues.append(ParseIssue(
            "undecodable_bytes_replaced",
            f"{n_bad} byte sequence(s) could not be decoded and were replaced by U+FFFD "
            "(a file cut mid-character, or corrupted bytes)",
            "warning",
        ))
    lines = delimited_rows_as_tabs(normalize_text(text))
    if not any(line.strip() for line in lines):
        return ParsedReport(report_id, ReportMeta(), status="failed",
                            issues=[ParseIssue("empty_text", "no text after decoding", "error")])
    meta, issues = extract_metadata(lines)
    issues = head_issues + issues
    table = choose_table(lines)
    facts: list[Fact] = []
    if table is not None:
        meta.template = "old_table" if table.form_code.startswith("old") else "new_table"
        meta.form_code = table.form_code
        facts.extend(_one_per_key(table.facts, issues, "table"))
        issues.extend(table.issues)
    elif (printed := printed_table_family(lines)) is not None:
        # The report has a table (its template is a table family) whose figures were not read.
        meta.template, n_labels = printed
        issues.append(ParseIssue(
            "table_figures_unread",
            f"the text prints {n_labels} row labels of the {printed[0]} statistics table, but no figure of "
            "it could be read (a layout the parsers do not know, or every cell blank); form_code is unknown",
            "warning",
        ))
    prose_facts, prose_issues = extract_prose_facts(lines, meta.year)
    issues.extend(prose_issues)
    facts.extend(_one_per_key(prose_facts, issues, "narrative"))
    if not facts:
        # A report states at least a few figures; none usually means a truncated or mangled
        # file, or a layout no parser knows: say so rather than pass it off as clean.
        issues.append(ParseIssue("no_figures_found", "no figure could be read from the text", "warning"))

    status = "parsed"
    if meta.region.code is None or meta.year is None:
        status = "partial"
    if any(i.severity == "error" for i in issues):
        status = "partial"
    return ParsedReport(report_id, meta, facts, issues, status)


def parse_report(report_id: str, text: str | None, decode_error: str | None = None) -> ParsedReport:
    """Never raises: an exception inside a parser becomes a failed report with the reason."""
    if text is None:
        return ParsedReport(report_id, ReportMeta(), status="failed",
                            issues=[ParseIssue("undecodable", decode_error or "no text", "error")])
    try:
        return parse_text(report_id, text)
    except Exception as exc:  # noqa: BLE001 - one bad file must not stop the others
        return ParsedReport(report_id, ReportMeta(), status="failed",
                            issues=[ParseIssue("parser_exception", f"{type(exc).__name__}: {exc}", "error")])
