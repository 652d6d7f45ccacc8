-- One row: hashes of what, besides a report's own parse, per-report results depend on, one per
-- part of the catalog so that a change recomputes only the models reading that part (models
-- incremental by report, macros/report_ledger.sql): the form rules (parsed.form_rules), the
-- harmonisation (form rows and columns, seeds indicator_harmonization and
-- harmonized_indicators) and the vars of the cross-year checks.
with rule_lines as (
    select {{ fingerprint_of(['form_code', 'rule', 'op', 'severity', 'description', 'total_indicator',
                              'total_channel', 'total_applicant', 'part_indicator', 'part_channel',
                              'part_applicant', 'part_no', 'min_parts']) }} as line
    from {{ ref('stg_form_rules') }}
),

harmonization_lines as (
    select {{ fingerprint_of(["'row'", 'form_code', 'template', 'first_year', 'last_year', 'row_key', 'section',
                              'unit', 'indicator_code', 'channel_code', 'applicant_type', 'equivalence',
                              'note']) }} as line
    from {{ ref('stg_form_rows') }}
    union all
    select {{ fingerprint_of(["'column'", 'form_code', 'table_key', 'column_key', 'applicant_type',
                              'indicator_suffix', 'equivalence', 'note']) }}
    from {{ ref('stg_form_columns') }}
    union all
    select {{ fingerprint_of(["'mapping'", 'indicator_code', 'harmonized_code', 'role', 'equivalence', 'reason']) }}
    from {{ ref('indicator_harmonization') }}
    union all
    select {{ fingerprint_of(["'harmonized'", 'harmonized_code', 'wide_fact', 'is_headline']) }}
    from {{ ref('harmonized_indicators') }}
)

select
    (select {{ dbt.hash(dbt.listagg('line', "''", 'order by line')) }} from rule_lines) as rules_fingerprint,
    (select {{ dbt.hash(dbt.listagg('line', "''", 'order by line')) }} from harmonization_lines)
        as harmonization_fingerprint,
    {{ fingerprint_of([
        "'" ~ var('yoy_jump_indicators') | join(',') ~ "'",
        "'" ~ var('yoy_jump_factor') ~ "'",
        "'" ~ var('yoy_jump_min_units') ~ "'"]) }} as cross_year_fingerprint
