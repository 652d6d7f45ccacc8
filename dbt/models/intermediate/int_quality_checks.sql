{{ report_incremental('fingerprint_quality') }}
-- Every check of every report: the form rules (勾稽关系) that apply to the report, one
-- `table_prose_agreement[<fact key>]` warning per figure stated in both table and prose, and
-- the cross-year warnings (carryover_continuity, yoy_jump[...]; int_cross_year_checks).
-- Both fct_quality_check and dim_report read this, so a failing test on one mart does not
-- stop the other from building. Incremental by report (macros/report_ledger.sql).
with form_rules as (
    select report_id, rule, passed, observed, expected, severity
    from {{ ref('int_rule_results') }}
    where {{ report_ledger_scope('report_id', fingerprint_quality()) }}
),

agreement as (
    select
        report_id,
        {{ dbt.concat(["'table_prose_agreement['", 'fact_key', "']'"]) }} as rule,
        agrees as passed,
        {{ dbt.concat([
            "'table: '", 'fact_key', "' = '", fmt_number('table_value'),
            "'; prose (line '", dbt.cast('prose_line', dbt.type_string()), "'): '",
            "case when prose_qualifier = 'approx' then 'about ' else '' end",
            fmt_number('prose_value')
        ]) }} as observed,
        {{ dbt.concat([
            "'prose states the table figure '", 'fact_key', "' = '", fmt_number('table_value'),
            "case when prose_qualifier = 'approx' then ' (within 10%, the prose figure is approximate)' else '' end"
        ]) }} as expected,
        'warning' as severity
    from {{ ref('int_table_prose_agreement') }}
    where {{ report_ledger_scope('report_id', fingerprint_quality()) }}
),

cross_year as (
    select report_id, rule, passed, observed, expected, severity
    from {{ ref('int_cross_year_checks') }}
    where {{ report_ledger_scope('report_id', fingerprint_quality()) }}
),

checks as (
    select * from form_rules
    union all
    select * from agreement
    union all
    select * from cross_year
)

select * from checks
