-- Every check of every report: the form rules (勾稽关系) that apply to the report, plus one
-- `table_prose_agreement[<fact key>]` warning per figure stated in both table and prose.
-- Both fct_quality_check and dim_report read this, so a failing test on one mart does not
-- stop the other from building.
with form_rules as (
    select report_id, rule, passed, observed, expected, severity
    from {{ ref('int_rule_results') }}
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
),

checks as (
    select * from form_rules
    union all
    select * from agreement
)

select * from checks
