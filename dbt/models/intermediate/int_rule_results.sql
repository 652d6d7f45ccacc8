{{ report_incremental('fingerprint_rules') }}
-- The form rules (parsed.form_rules, from ingest/forms/*.yaml) evaluated on the figures of
-- every report whose form_code matches the rule's form.
--   eq: total = sum(parts); applicable when the total and at least min_parts parts (one for
--       most rules) are stated (unstated parts count as absent, not as zero).
--   le: each part <= total; applicable under the same condition.
-- Incremental by report (macros/report_ledger.sql).
with reports as (
    select report_id, form_code
    from {{ ref('stg_reports') }}
    where form_code is not null
        and {{ report_ledger_scope('report_id', fingerprint_rules()) }}
),

-- The figures of those reports, read once for both joins below. Scoped to the chunk's reports
-- here, not only through `reports`: the parts' left join would otherwise build its hash table
-- on every figure of the model's input (11M rows at 100k reports: 1.7 s of a one-report run).
figures as (
    select report_id, fact_key, value
    from {{ ref('int_facts_resolved') }}
    where {{ report_ledger_scope('report_id', fingerprint_rules()) }}
),

-- The fact keys of the rules' totals and parts, built once per rule (not per report x rule).
rules as (
    select distinct
        form_code, rule, op, severity, description, min_parts,
        {{ fact_key('total_indicator', 'total_channel', 'total_applicant') }} as total_key
    from {{ ref('stg_form_rules') }}
),

rule_parts as (
    select
        form_code, rule, part_no,
        {{ fact_key('part_indicator', 'part_channel', 'part_applicant') }} as part_key
    from {{ ref('stg_form_rules') }}
),

-- The rules that can apply: their total is stated.
totals as (
    select
        rp.report_id,
        rp.form_code,
        ru.rule,
        ru.op,
        ru.severity,
        ru.description,
        ru.min_parts,
        ru.total_key,
        f.value as total_value
    from reports as rp
    inner join rules as ru on rp.form_code = ru.form_code
    inner join figures as f
        on rp.report_id = f.report_id and ru.total_key = f.fact_key
),

-- Every part of those rules, stated or not (an unstated part is listed as such in the text).
-- Figures are matched on fact_key (one string) rather than on its three columns.
part_rows as (
    select
        t.report_id,
        t.rule,
        pr.part_no,
        pr.part_key,
        f.value as part_value,
        t.op,
        f.value > t.total_value + {{ sum_tolerance(1) }} as is_over
    from totals as t
    inner join rule_parts as pr on t.form_code = pr.form_code and t.rule = pr.rule
    left join figures as f
        on t.report_id = f.report_id and pr.part_key = f.fact_key
),

-- Counts, sum and both texts in one aggregation per report x rule (one hash table over the
-- parts instead of three, and no joins between them); ordered string aggregation is the
-- costly step of this model (macros/portable.sql, ordered_listagg).
part_summary as (
    select
        report_id,
        rule,
        count(*) as n_parts,
        count(part_value) as n_parts_stated,
        sum(part_value) as parts_sum,
        sum(case when is_over then 1 else 0 end) as n_parts_over_total,
        {{ ordered_listagg(
            "case when op <> 'le' then " ~ dbt.concat(['part_key', "' '", fmt_number('part_value')]) ~ " end",
            "' + '",
            'part_no'
        ) }} as parts_text,
        {{ ordered_listagg(
            "case when op = 'le' and is_over then " ~ dbt.concat(['part_key', "' = '", fmt_number('part_value')]) ~ " end",
            "', '",
            'part_no'
        ) }} as parts_over_total_text
    from part_rows
    group by report_id, rule
)

select
    t.report_id,
    t.rule,
    t.op,
    t.severity,
    t.description,
    t.total_key,
    t.total_value,
    s.n_parts,
    s.n_parts_stated,
    s.parts_sum,
    s.n_parts_over_total,
    case
        when t.op = 'le' then s.n_parts_over_total = 0
        else abs(t.total_value - s.parts_sum) <= {{ sum_tolerance('s.n_parts') }}
    end as passed,
    {{ dbt.concat(['t.total_key', "' = '", fmt_number('t.total_value')]) }} as observed,
    case
        when t.op = 'le' then {{ dbt.concat([
            "'each part <= '", 't.total_key', "' = '", fmt_number('t.total_value'),
            "case when s.n_parts_over_total > 0 then " ~ dbt.concat(["' (over: '", 's.parts_over_total_text', "')'"]) ~ " else '' end"
        ]) }}
        else {{ dbt.concat([
            "'= sum of its parts = '", fmt_number('s.parts_sum'), "' ('", 's.parts_text', "')'"
        ]) }}
    end as expected
from totals as t
inner join part_summary as s on t.report_id = s.report_id and t.rule = s.rule
where t.total_value is not null
    and s.n_parts_stated >= t.min_parts
