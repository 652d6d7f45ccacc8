"""One synthetic annual report: its text, its file name and its ground truth.

Everything is drawn from `random.Random(f"{seed}:{index}")`, so report `i` of a
corpus is the same whichever worker writes it and however many reports are made.
The truth holds the report row (region, year, template) and only the figures the
text states unambiguously: cells of damaged lines, and sums depending on them,
are left out; an injected inconsistency is kept as stated and named in
`expected_flags`.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from functools import cache, lru_cache

from ingest.corpus import layouts as lay
from ingest.corpus import prose
from ingest.corpus.issuers import Issuer, context_phrase, draw_issuer
from ingest.corpus.tables import Table, column_suffix, derived_keys, new_tables, old_tables
from ingest.corpus.values import KeySpec, eq_rules, rule_holds, solve_values
from ingest.forms import Form, load_forms

FIRST_YEAR, LAST_YEAR = 2008, 2025
TYPO_CHARS = "甲乙丙丁戊己庚辛壬癸子丑寅卯辰巳午未申酉戌亥"


@dataclass(frozen=True, slots=True)
class CorpusConfig:
    """Shares and rates of the corpus (all per report unless said otherwise)."""

    narrative_share: float = 0.15  # reports with no table
    department_share: float = 0.2  # reports by a department (某某市公安局) rather than a government
    inconsistency_rate: float = 0.05  # one table figure off by a few, breaking the form's rules
    table_damage_rate: float = 0.08  # reports whose table lines may lose a cell or glue figures
    line_damage_rate: float = 0.06  # per line, within a damaged report
    ocr_region_rate: float = 0.03  # one character of the region name in the title misread
    traditional_rate: float = 0.03  # whole text in traditional characters
    gb18030_rate: float = 0.05  # file encoded GB18030 rather than UTF-8
    subtotal_share: float = 0.2  # 2019+ tables printing the 法人或其他组织 小计 column
    merged_share: float = 0.05  # 2019+ tables printing 自然人 | 法人或其他组织 | 总计 only
    cumulative_share: float = 0.4  # old tables (2008-2015) printing the 历年累计 column

    @classmethod
    def clean(cls) -> CorpusConfig:
        """No damage and no inconsistency: every truth figure should parse back."""
        return cls(inconsistency_rate=0.0, table_damage_rate=0.0, ocr_region_rate=0.0,
                   traditional_rate=0.0)


DEFAULT_CONFIG = CorpusConfig()


@dataclass(slots=True)
class GeneratedReport:
    file_name: str
    text: str
    encoding: str
    truth: dict
    layout: str
    form_code: str | None
    notes: list[str] = field(default_factory=list)

    def data(self) -> bytes:
        return self.text.encode(self.encoding)


@lru_cache(maxsize=1)
def _forms_by_year() -> dict[int, Form]:
    out: dict[int, Form] = {}
    for form in sorted(load_forms().values(), key=lambda f: f.first_year):
        last = form.last_year or LAST_YEAR
        for year in range(max(form.first_year, FIRST_YEAR), last + 1):
            out[year] = form  # a later form wins where declarations overlap
    return out


def form_for_year(year: int) -> Form:
    return _forms_by_year()[year]


@cache
def _specs(code: str) -> dict[str, KeySpec]:
    """Unit and sign of each indicator of a form (keyed by bare indicator code)."""
    form = load_forms()[code]
    return {r.indicator_code: KeySpec(r.unit or "件", "负" in r.note) for r in form.rows if r.indicator_code}


def _spec_for(key: str, specs: dict[str, KeySpec]) -> KeySpec:
    return specs.get(key.split("@", 1)[0].split("/", 1)[0], KeySpec())


@lru_cache(maxsize=32)
def _value_keys(form_code: str, columns: int, column_set: int) -> tuple[frozenset[str], frozenset[str], dict]:
    """(printed keys, keys of the first column, draw spec per key) of a printed form."""
    form = load_forms()[form_code]
    tables = _tables(form_code, columns, column_set)
    keys = frozenset(k for t in tables for k in t.fact_keys())
    extra = [column_suffix(c, i) for i, c in enumerate(form.columns[:columns]) if i]
    base = frozenset(k for k in keys if not any(k.split("@")[0].split("/")[0].endswith(x) for x in extra))
    specs = _specs(form_code)
    return keys, base, {k: _spec_for(k, specs) for k in base}


@lru_cache(maxsize=32)
def _tables(form_code: str, columns: int, column_set: int) -> tuple[Table, ...]:
    """The printed tables: old forms with `columns` value columns, new ones with a column set
    of their request matrix (ingest.corpus.tables.new_tables)."""
    form = load_forms()[form_code]
    return tuple(old_tables(form, columns) if form.template == "old_table" else new_tables(form, column_set))


def form_values(form: Form, rng: random.Random, columns: int = 1, column_set: int = 0) -> dict[str, float]:
    """Consistent figures for every printed cell; extra old-form columns are this year plus more."""
    keys, base_keys, spec_of = _value_keys(form.code, columns, column_set)
    values = solve_values(form, base_keys, spec_of, rng)
    if columns > 1:  # cumulative column: this year's figures plus earlier years', also consistent
        earlier = solve_values(form, base_keys, spec_of, rng)
        for k in keys - base_keys:
            ind, _, rest = k.partition("/") if "/" in k else (k, "", "")
            suffix = next(x for i, c in enumerate(form.columns[:columns]) if i
                          and ind.endswith(x := column_suffix(c, i)))
            base = ind[: -len(suffix)] + (f"/{rest}" if rest else "")
            values[k] = round(values[base] + earlier[base], 6)
    return values


def _inject(form: Form, stated: dict[str, float], printed: set[str], rng: random.Random) -> list[str]:
    """Bump one printed leaf figure; returns the names of the rules it breaks."""
    totals = {r.total for r in eq_rules(form)}
    leaves = sorted(k for r in eq_rules(form) for k in r.parts if k in printed and k not in totals)
    if not leaves:
        return []
    key = rng.choice(leaves)
    stated[key] += rng.randint(1, 5)
    _recompute_derived(form, stated)
    # The rules the report shows broken: on its printed figures (and the sums derived from them).
    shown = {k: v for k, v in stated.items() if k in printed}
    _recompute_derived(form, shown)
    return sorted({r.name for r in form.rules if not r.name.startswith("derive_") and rule_holds(r, shown) is False})


def _recompute_derived(form: Form, values: dict[str, float]) -> None:
    for total, parts in derived_keys(form).items():
        if all(p in values for p in parts):
            values[total] = round(sum(values[p] for p in parts), 6)


def _truth_facts(form: Form, stated: dict[str, float], printed: set[str], damaged: set[str]) -> dict[str, float]:
    facts = {k: stated[k] for k in sorted(printed - damaged) if k in stated}
    for total, parts in derived_keys(form).items():
        if all(p in facts for p in parts):
            facts[total] = round(sum(facts[p] for p in parts), 6)
    return facts


def _narrative_facts(form: Form, values: dict[str, float], rng: random.Random) -> dict[str, float]:
    """The figures a narrative (or the prose of a 2019+ report) may state, from the form where it has them."""
    out = {k: values[k] for k in ("proactive_total", "proactive_published/website", "requests_received",
                                  "requests_granted", "requests_partially_granted", "requests_carried_over",
                                  "admin_review_total", "admin_litigation_total", "fees_collected",
                                  "staff_total", "staff_fulltime", "staff_parttime", "training_sessions",
                                  "trainees") if k in values}
    if "proactive_total" not in out:
        out["proactive_total"] = float(rng.randint(50, 30000))
    return out


def _title(issuer: Issuer, year: int, rng: random.Random) -> str:
    name = issuer.title_name
    return rng.choice([
        f"{name}{year}年政府信息公开工作年度报告",
        f"{name}{year}年度政府信息公开工作年度报告",
        f"{name}关于{year}年政府信息公开工作的年度报告",
        f"{name}{year}年政务公开工作年度报告" if year >= 2016 else f"{name}{year}年政府信息公开年度报告",
    ])


def _typo(name: str, rng: random.Random) -> str:
    """One character of a place name misread (never the suffix, which says the level)."""
    if len(name) < 3:
        return name
    i = rng.randrange(len(name) - 1)
    return name[:i] + rng.choice(TYPO_CHARS) + name[i + 1:]


def _head(issuer: Issuer, year: int, rng: random.Random, config: CorpusConfig) -> tuple[list[str], list[str]]:
    title = _title(issuer, year, rng)
    notes = []
    if rng.random() < config.ocr_region_rate and issuer.place.name in title:
        title = title.replace(issuer.place.name, _typo(issuer.place.name, rng), 1)
        notes.append("ocr typo in the region name of the title")
    pub_month, pub_day = rng.randint(1, 3), rng.randint(1, 28)
    lines = []
    if rng.random() < 0.4:
        lines += [f"首页 > 政府信息公开 > 政府信息公开年报 > {year}",
                  f"索引号: {rng.randint(10**8, 10**9 - 1)}/{year + 1}-{rng.randint(1, 99999):05d} 公开方式: 主动公开",
                  f"发布机构: {issuer.name} 发布日期: {year + 1}-{pub_month:02d}-{pub_day:02d}", ""]
    lines += [title, f"({year + 1}年{pub_month}月{pub_day}日)", ""]
    chain = context_phrase(issuer.place)
    basis = f"和《{issuer.place.province}政府信息公开规定》" if issuer.place.level != "province" else ""
    lines.append(f"本报告根据《中华人民共和国政府信息公开条例》(以下简称《条例》){basis}要求, 由{chain}{issuer.name}编制。"
                 f"本报告中所列数据的统计期限自{year}年1月1日起至{year}年12月31日止。")
    return lines, notes


def build_report(index: int, seed: int, config: CorpusConfig | None = None) -> GeneratedReport:
    config = config or DEFAULT_CONFIG
    rng = random.Random(f"{seed}:{index}")
    year = rng.randint(FIRST_YEAR, LAST_YEAR)
    form = form_for_year(year)
    old = form.template == "old_table"
    narrative = rng.random() < config.narrative_share
    issuer = draw_issuer(rng, config.department_share)
    columns = 2 if old and year <= 2015 and rng.random() < config.cumulative_share else 1
    draw = 1.0 if old else rng.random()  # drawn for 2019+ forms only: old reports stay as they were
    column_set = 1 if draw < config.subtotal_share else 2 if draw < config.subtotal_share + config.merged_share else 0
    tables = _tables(form.code, columns, column_set)
    values = form_values(form, rng, columns, column_set)
    lines, notes = _head(issuer, year, rng, config)
    lines.append("")
    lines.append("一、概述")
    lines.extend(prose.filler(rng, rng.randint(3, 8)))
    if rng.random() < 0.5:
        lines.append(prose.distractor(rng))

    truth_facts: dict[str, float] = {}
    expected_flags: list[str] = []
    layout = "narrative"
    narr = _narrative_facts(form, values, rng)
    if narrative:
        chosen = {k: v for k, v in narr.items() if rng.random() < 0.8}
    else:  # table reports: the 2019+ proactive total is only ever in prose
        chosen = {k: narr[k] for k in ("proactive_total",) if not old and k in narr}
    for st in prose.statements(chosen, year, rng):
        lines.append(st.text)
        truth_facts.update(st.facts)
    lines.extend(prose.filler(rng, rng.randint(2, 6)))

    if not narrative:
        layout = rng.choice(lay.OLD_LAYOUTS if old else lay.NEW_LAYOUTS)
        stated = dict(values)
        printed = {k for t in tables for k in t.fact_keys()}
        if rng.random() < config.inconsistency_rate:
            expected_flags = _inject(form, stated, printed, rng)
            notes.append("inconsistent figure injected")
        damaged_report = layout in lay.ROW_LAYOUTS and rng.random() < config.table_damage_rate
        damaged: set[str] = set()
        lines.append("")
        lines.append("二、统计表" if old else "二、主动公开政府信息情况")
        for table in tables:
            rows = lay.table_rows(table, stated)
            if damaged_report:
                hit, what = lay.damage_rows(rows, rng, config.line_damage_rate, config.line_damage_rate)
                damaged |= hit
                notes.extend(what)
            lines.append(table.title)
            lines.extend(lay.render_rows(rows, layout, rng, old, table.last_is_total))
            lines.append("")
        table_facts = _truth_facts(form, stated, printed, damaged)
        truth_facts = {k: v for k, v in truth_facts.items() if k not in table_facts and k not in damaged}
        truth_facts.update(table_facts)
    lines.append("三、存在的主要问题及改进情况")
    lines.extend(prose.filler(rng, rng.randint(2, 5)))
    lines += ["", issuer.name, f"{year + 1}年{rng.randint(1, 3)}月{rng.randint(1, 28)}日"]

    text = "\n".join(lines)
    if layout == "html":
        text = "<html><body>" + "".join(ln if ln.startswith("<table") else f"<p>{ln}</p>" for ln in lines) \
            + "</body></html>"
    if rng.random() < config.traditional_rate:
        text = _s2t(text)
        notes.append("traditional characters")
    encoding = "gb18030" if rng.random() < config.gb18030_rate else "utf-8"
    ext = "html" if layout == "html" else "txt"
    file_name = f"{index:07d}_{rng.getrandbits(32):08x}.{ext}"
    truth = {
        "region_code": issuer.place.code, "region_name": issuer.place.name, "year": year,
        "template": "narrative" if narrative else form.template,
        "facts": truth_facts, "expected_flags": expected_flags,
        "generator": {"form": form.code if not narrative else None, "layout": layout,
                      "issuer": issuer.name, "issuer_kind": issuer.kind, "notes": notes},
    }
    return GeneratedReport(file_name, text, encoding, truth, layout, None if narrative else form.code, notes)


@lru_cache(maxsize=1)
def _s2t_converter():
    import opencc

    return opencc.OpenCC("s2t")


def _s2t(text: str) -> str:
    return _s2t_converter().convert(text)
