{{ report_incremental('fingerprint_cross_year') }}
-- Rules across consecutive years of one issuer (severity warning), on primary reports only
-- (int_report_primary), attached to the later year's report:
--   carryover_continuity: this year's 上年结转 (requests_carried_over) equals last year's
--     结转下年度继续办理 (requests_carried_forward); applicable when both are stated.
--   yoy_jump[<indicator>]: a headline figure jumps by a factor of at least
--     var('yoy_jump_factor') (10) *and* by at least var('yoy_jump_min_units') (50) units
--     from the year before (a rise from 0 to >= 50 counts as a jump); applicable when both
--     years state the figure and its harmonisation grade is not `none`.
-- Incremental by report: a report's checks are recomputed when it, its primary status or the
-- previous year's primary report of its issuer changes (fingerprint_cross_year).
with primaries as (
    {{ cross_year_primaries() }}
),

pairs as (
    select cur.report_id, cur.year, prev.report_id as prev_report_id, prev.year as prev_year
    from primaries as cur
    inner join primaries as prev
        on cur.issuer_key = prev.issuer_key
        and cur.year = prev.year + 1
    where {{ report_ledger_scope('cur.report_id', fingerprint_cross_year()) }}
),

-- Only the values the checks below read: the reports of the pairs (both years) and the codes
-- compared. Without this, every statement (one per chunk of pending reports, and the one
-- of a one-report run) reads the 'all' values of every report of the warehouse.
values_all as (
    select report_id, harmonized_code, value, equivalence
    from {{ ref('int_harmonized_values') }}
    where channel_code = 'all' and applicant_type = 'all'
        and harmonized_code in (
            'requests_carried_over', 'requests_carried_forward'
            {%- for code in var('yoy_jump_indicators') %}, '{{ code }}'{% endfor -%}
        )
        and report_id in (
            select report_id from pairs
            union all
            select prev_report_id from pairs
        )
),

carryover as (
    select
        p.report_id,
        'carryover_continuity' as rule,
        abs(cur.value - prev.value) <= {{ sum_tolerance(1) }} as passed,
        {{ dbt.concat([
            "'requests_carried_over = '", fmt_number('cur.value'),
            "' ('", dbt.cast('p.year', dbt.type_string()), "')'"
        ]) }} as observed,
        {{ dbt.concat([
            "'= requests_carried_forward of '", dbt.cast('p.prev_year', dbt.type_string()),
            "' = '", fmt_number('prev.value'), "' (report '", 'p.prev_report_id', "')'"
        ]) }} as expected,
        'warning' as severity
    from pairs as p
    inner join values_all as cur
        on p.report_id = cur.report_id and cur.harmonized_code = 'requests_carried_over'
    inner join values_all as prev
        on p.prev_report_id = prev.report_id and prev.harmonized_code = 'requests_carried_forward'
),

jumps as (
    select
        p.report_id,
        {{ dbt.concat(["'yoy_jump['", 'cur.harmonized_code', "']'"]) }} as rule,
        cur.value as cur_value,
        prev.value as prev_value,
        p.year,
        p.prev_year,
        case when cur.value >= prev.value then cur.value else prev.value end as larger,
        case when cur.value >= prev.value then prev.value else cur.value end as smaller,
        cur.harmonized_code
    from pairs as p
    inner join values_all as cur on p.report_id = cur.report_id
    inner join values_all as prev
        on p.prev_report_id = prev.report_id
        and cur.harmonized_code = prev.harmonized_code
    where cur.harmonized_code in (
        {%- for code in var('yoy_jump_indicators') %}'{{ code }}'{{ ', ' if not loop.last }}{% endfor -%}
    )
        and cur.equivalence <> 'none'
        and prev.equivalence <> 'none'
),

yoy as (
    select
        report_id,
        rule,
        not (
            larger - smaller >= {{ var('yoy_jump_min_units') }}
            and larger >= {{ var('yoy_jump_factor') }} * smaller
        ) as passed,
        {{ dbt.concat([
            'harmonized_code', "' = '", fmt_number('cur_value'), "' ('", dbt.cast('year', dbt.type_string()),
            "'), '", fmt_number('prev_value'), "' ('", dbt.cast('prev_year', dbt.type_string()), "')'"
        ]) }} as observed,
        {{ dbt.concat([
            "'a change below x'", dbt.cast(var('yoy_jump_factor'), dbt.type_string()),
            "' or below '", dbt.cast(var('yoy_jump_min_units'), dbt.type_string()), "' units'"
        ]) }} as expected,
        'warning' as severity
    from jumps
)

select * from carryover
union all
select * from yoy
