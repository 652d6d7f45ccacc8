"""Realistic report pages (portal furniture, info boxes, footers, traps in the prose) against hand-read truth.

Each fixture in tests/fixtures/narrative/ is a report as copied from a government website;
truth.json (the format of data/truth/samples.json, plus published_on, region_level and
value qualifiers) says what a careful reader records. A wrong figure or region fails the
test; a missing one is tolerated up to a floor, since leaving a figure out is safer than
guessing it.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from ingest.parse import parse_report

FIXTURES = Path(__file__).parent / "fixtures" / "narrative"
TRUTH = {k: v for k, v in json.loads((FIXTURES / "truth.json").read_text(encoding="utf-8")).items()
         if not k.startswith("_")}
META_FIELDS = ("region_code", "region_name", "region_level", "year", "template", "published_on")


def _key(fact) -> str:
    key = fact.indicator_code
    if fact.channel_code != "all":
        key += "/" + fact.channel_code
    if fact.applicant_type != "all":
        key += "@" + fact.applicant_type
    return key


def _warehouse_facts(report) -> dict[str, object]:
    """One fact per key, the table figure winning over prose as in the warehouse."""
    out: dict[str, object] = {}
    for fact in sorted(report.facts, key=lambda f: f.source != "table"):
        out.setdefault(_key(fact), fact)
    return out


def _meta_values(report) -> dict[str, object]:
    m = report.meta
    return {
        "region_code": m.region.code, "region_name": m.region.name,
        "region_level": m.region.level if m.region.code else None,
        "year": m.year, "template": m.template,
        "published_on": m.published_on.isoformat() if m.published_on else None,
    }


def score(name: str, want: dict) -> dict[str, list[str]]:
    text = (FIXTURES / name).read_text(encoding="utf-8")
    report = parse_report(name, text)
    out: dict[str, list[str]] = {k: [] for k in ("meta_ok", "meta_wrong", "meta_missing",
                                                  "fact_ok", "fact_wrong", "fact_missing", "fact_extra")}
    got_meta = _meta_values(report)
    for field in META_FIELDS:
        if field not in want:
            continue
        got, exp = got_meta[field], want[field]
        if str(got) == str(exp):
            out["meta_ok"].append(field)
        elif got is None:
            out["meta_missing"].append(f"{name}: {field} missing, want {exp!r}")
        else:
            out["meta_wrong"].append(f"{name}: {field} = {got!r}, want {exp!r}")
    facts = _warehouse_facts(report)
    qualifiers = want.get("qualifiers", {})
    for key, value in want["facts"].items():
        fact = facts.get(key)
        if fact is None:
            out["fact_missing"].append(f"{name}: {key} missing, want {value}")
        elif abs(fact.value - float(value)) > 1e-6 or fact.value_qualifier != qualifiers.get(key, "exact"):
            out["fact_wrong"].append(f"{name}: {key} = {fact.value:g} ({fact.value_qualifier}), want {value} "
                                     f"({qualifiers.get(key, 'exact')}) from {fact.source_text[:80]!r}")
        else:
            out["fact_ok"].append(key)
    for key, fact in facts.items():
        if key not in want["facts"]:
            out["fact_extra"].append(f"{name}: extra {key} = {fact.value:g} from {fact.source_text[:80]!r}")
    return out


def score_all() -> dict[str, list[str]]:
    total: dict[str, list[str]] = {}
    for name, want in sorted(TRUTH.items()):
        for k, v in score(name, want).items():
            total.setdefault(k, []).extend(v)
    return total


@pytest.mark.parametrize("name", sorted(TRUTH))
def test_metadata_matches_truth(name):
    result = score(name, TRUTH[name])
    assert not result["meta_wrong"] and not result["meta_missing"], result


@pytest.mark.parametrize("name", sorted(TRUTH))
def test_no_wrong_or_invented_figure(name):
    result = score(name, TRUTH[name])
    assert not result["fact_wrong"], result["fact_wrong"]
    assert not result["fact_extra"], result["fact_extra"]


def test_figure_recall_floor():
    total = score_all()
    n_ok, n_missing = len(total["fact_ok"]), len(total["fact_missing"])
    # Every one of the 248 is read (tenth round; the floor was 0.9, raised as wordings were
    # added), so a lost wording fails here. A new fixture with a figure left unread on purpose
    # lowers this to a floor, saying why.
    assert n_missing == 0 and n_ok > 0, total["fact_missing"]


if __name__ == "__main__":
    result = score_all()
    for k in ("meta_wrong", "meta_missing", "fact_wrong", "fact_extra", "fact_missing"):
        for line in result[k]:
            print(k.upper(), line)
    print({k: len(v) for k, v in result.items()})
