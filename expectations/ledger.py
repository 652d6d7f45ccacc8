"""The screening ledger: per report, what DuckDB found when it screened the report's figures.

Two screens look at a report's figures as a whole, and over the whole fact mart they need
aggregations with one group per fact or per (report, rule) — seconds at 100k reports, every
run, although a refresh changes a handful of reports:

- `restated`: the report states a fact key twice (key_unique fails on its rows, and the
  form rules must be evaluated in Python, which keeps the last row);
- `cells`: every form rule that applies to the report, and whether GE must see it (its
  deviation at or beyond a bound, or figures DuckDB cannot settle; frames.py).

Both depend only on the report's rows and on the rules, so they are kept in a DuckDB file
beside the warehouse (`<warehouse>.ge_ledger.duckdb`), one row per report with a fingerprint
of what they were computed from: the report's form codes and, over its fact rows, the row
count and two 64-bit hash sums of (fact key, value). A run fingerprints every report (one
scan grouped by report, ~0.1 s at 100k), screens again only the reports whose fingerprint
changed or that are new, and drops those that left. A different rule set or LEDGER_VERSION
empties the ledger. The ledger holds no verdict: GE validates every candidate of the whole
mart on every run, and the row counts come from the whole mart.

A screen kept for changed figures would need both hash sums and the row count to coincide
(about 2^-128 per changed report). Without a usable file (locked by another process, not
writable) the ledger is in memory: every report is screened, the verdicts are the same.
"""

from __future__ import annotations

import hashlib
import warnings
from pathlib import Path

import duckdb

from expectations.frames import SCREEN_MARGIN, SCREEN_RELATIVE_MARGIN, RuleSpec, rule_frames, sql_literal

# Bump when what a ledger row means changes (the screens below, the fingerprint).
LEDGER_VERSION = "1"
LEDGER = "ge_ledger"  # the attached database's name in the warehouse connection
IN_MEMORY = ":memory:"  # a ledger that lives for one run: every report is screened

_TABLES = f"""
create table if not exists {LEDGER}.meta (version varchar);
create table if not exists {LEDGER}.reports (report_id varchar, fingerprint varchar, restated boolean);
create table if not exists {LEDGER}.cells (report_id varchar, form_code varchar, rule varchar, candidate boolean);
"""

# One row per report of the fact mart or with a form code in dim_report (a row without a
# report id is no report: the contract forbids it, and the fct screen always keeps it).
_FINGERPRINTS = """
create or replace temp table _ge_fingerprints as
select
    coalesce(f.report_id, d.report_id) as report_id,
    concat_ws(':', coalesce(d.forms, ''), coalesce(f.n, 0), coalesce(f.h1, 0), coalesce(f.h2, 0)) as fingerprint
from (
    select
        report_id, count(*) as n,
        sum(hash(indicator_code, channel_code, applicant_type, value)) as h1,
        sum(hash(value, applicant_type, channel_code, indicator_code, 'ledger')) as h2
    from marts.fct_indicator_value
    where report_id is not null
    group by report_id
) as f
full outer join (
    select report_id, string_agg(form_code, ',' order by form_code) as forms
    from marts.dim_report
    where form_code is not null and report_id is not null
    group by report_id
) as d on f.report_id = d.report_id
"""

# New or changed fingerprints, and reports the ledger holds that left the marts.
_PENDING = f"""
create or replace temp table _ge_pending as
select fp.report_id
from _ge_fingerprints as fp
left join {LEDGER}.reports as led on fp.report_id = led.report_id
where led.fingerprint is distinct from fp.fingerprint
union
select led.report_id
from {LEDGER}.reports as led
anti join _ge_fingerprints as fp on led.report_id = fp.report_id
"""

_RESTATED = f"""
insert into {LEDGER}.reports
select fp.report_id, fp.fingerprint, fp.report_id in (
    select f.report_id
    from marts.fct_indicator_value as f
    semi join _ge_pending as p on f.report_id = p.report_id
    group by f.report_id, f.indicator_code, f.channel_code, f.applicant_type
    having count(*) > 1
)
from _ge_fingerprints as fp
semi join _ge_pending as p on fp.report_id = p.report_id
"""

# The applicable rules of the pending reports (every form with rules, whether or not its
# forms are present: the ledger does not depend on which forms the warehouse holds).
# `candidate`: GE must see the cell — its deviation is at or beyond a bound (within the
# margin: DuckDB adds the parts in its own order), or DuckDB cannot settle it because the
# report states a key twice or a figure it reads is not a finite number. Applicability (the
# total and min_parts parts stated) is exact either way. The le lower bound (0) holds by construction.
_CELLS = f"""
insert into {LEDGER}.cells
with todo as (
    select report_id, form_code, row_number() over () as n
    from (
        select distinct d.report_id, d.form_code
        from marts.dim_report as d
        semi join _ge_pending as p on d.report_id = p.report_id
        where d.form_code in (select form_code from _ge_bounds)
    )
),
figures as (
    select t.n, o.rule_no, o.part_no, f.value
    from marts.fct_indicator_value as f
    inner join todo as t on f.report_id = t.report_id
    inner join _ge_roles as o
        on o.form_code = t.form_code and o.indicator_code = f.indicator_code
        and o.channel_code = f.channel_code and o.applicant_type = f.applicant_type
),
cells as (
    select
        n, rule_no,
        count(*) filter (where part_no = 0) as n_total,
        count(*) filter (where part_no > 0) as n_parts,
        bool_or(value is null or not isfinite(value)) as non_finite,
        max(value) filter (where part_no = 0) as total,
        sum(value) filter (where part_no > 0) as parts_sum,
        max(value) filter (where part_no > 0) as largest
    from figures
    group by n, rule_no
)
select
    t.report_id, t.form_code, b.rule,
    c.non_finite
    or t.report_id in (select report_id from {LEDGER}.reports where restated)
    or case
        when b.op = 'le' then c.largest - c.total > b.high - {SCREEN_MARGIN}
        else c.total - c.parts_sum < b.low + {SCREEN_MARGIN} + {SCREEN_RELATIVE_MARGIN} * (abs(c.total) + abs(c.parts_sum))
            or c.total - c.parts_sum > b.high - {SCREEN_MARGIN} - {SCREEN_RELATIVE_MARGIN} * (abs(c.total) + abs(c.parts_sum))
    end
from cells as c
inner join todo as t on c.n = t.n
inner join _ge_bounds as b on c.rule_no = b.rule_no
where c.n_total > 0 and c.n_parts >= b.min_parts and c.n_parts > 0
"""


def default_ledger_path(warehouse_path: str | Path) -> Path:
    """data/warehouse.duckdb -> data/warehouse.ge_ledger.duckdb"""
    return Path(warehouse_path).with_suffix(f".{LEDGER}.duckdb")


def attach_ledger(con: duckdb.DuckDBPyConnection, path: str | Path = IN_MEMORY) -> bool:
    """Attach the ledger file (created if missing) as LEDGER to a warehouse connection, or an
    empty in-memory ledger (IN_MEMORY, or a file that cannot be used). True if a file is."""
    if str(path) != IN_MEMORY:
        try:
            con.execute(f"attach {sql_literal(str(path))} as {LEDGER} (read_only false)")
            con.execute(_TABLES)
            return True
        except duckdb.Error as error:
            warnings.warn(f"screening ledger {path} not usable ({error}); every report is screened",
                          stacklevel=2)
            con.execute(f"detach database if exists {LEDGER}")
    con.execute(f"attach {sql_literal(IN_MEMORY)} as {LEDGER} (read_only false)")
    con.execute(_TABLES)
    return False


def ledger_version(specs: list[RuleSpec]) -> str:
    """What the ledger's rows depend on besides the reports: the rules and the screens."""
    bounds, roles = rule_frames(specs)
    text = "\n".join([LEDGER_VERSION, repr(SCREEN_MARGIN), repr(SCREEN_RELATIVE_MARGIN),
                      bounds.to_csv(index=False), roles.to_csv(index=False)])
    return hashlib.sha256(text.encode()).hexdigest()


def _empty_if_outdated(con: duckdb.DuckDBPyConnection, version: str) -> None:
    """Screens made under other rules or screens are dropped (they are all screened again)."""
    if con.execute(f"select version from {LEDGER}.meta").fetchall() != [(version,)]:
        con.execute(f"begin; delete from {LEDGER}.reports; delete from {LEDGER}.cells; "
                    f"delete from {LEDGER}.meta; insert into {LEDGER}.meta values ('{version}'); commit")


def _screen_pending(con: duckdb.DuckDBPyConnection) -> None:
    """Replace the pending reports' rows, in one transaction: a crash leaves the ledger as it was."""
    con.execute("begin")
    try:
        con.execute(f"delete from {LEDGER}.reports where report_id in (select report_id from _ge_pending)")
        con.execute(f"delete from {LEDGER}.cells where report_id in (select report_id from _ge_pending)")
        con.execute(_RESTATED)
        con.execute(_CELLS)
        con.execute("commit")
    except BaseException:
        con.execute("rollback")
        raise


def refresh_ledger(con: duckdb.DuckDBPyConnection, specs: list[RuleSpec]) -> int:
    """Screen the new and changed reports under the rules in `specs` (every form's) and drop
    the reports that left; returns how many reports were pending."""
    bounds, roles = rule_frames(specs)
    con.register("_ge_bounds", bounds)
    con.register("_ge_roles", roles)
    try:
        con.execute(_FINGERPRINTS)
        _empty_if_outdated(con, ledger_version(specs))
        con.execute(_PENDING)
        pending = con.execute("select count(*) from _ge_pending").fetchone()
        _screen_pending(con)
    finally:
        con.unregister("_ge_bounds")
        con.unregister("_ge_roles")
        con.execute("drop table if exists _ge_fingerprints; drop table if exists _ge_pending")
    return int(pending[0]) if pending else 0
