{{ report_incremental('fingerprint_facts', contract=true) }}
-- The harmonised figures: one per report x indicator x channel x applicant type, the table
-- figure winning over the prose one (int_facts_resolved).
-- Incremental by report (macros/report_ledger.sql): a run only rebuilds the reports whose
-- parse in force (parser_version, parsed_at) or resolved figures changed since, replacing all
-- their rows, and drops the rows of reports no longer in force; re-parses and parser-version
-- bumps (or rollbacks) replace their figures. `dbt build --full-refresh` gives the same table.
with reports as (
    select report_id, region_code, year, parser_version, parsed_at
    from {{ ref('stg_reports') }}
    where {{ report_ledger_scope('report_id', fingerprint_facts()) }}
)

select
    {{ dbt.cast('f.report_id', dbt.type_string()) }} as report_id,
    {{ dbt.cast('r.region_code', dbt.type_string()) }} as region_code,
    {{ dbt.cast('r.year', dbt.type_int()) }} as year,
    {{ dbt.cast('f.indicator_code', dbt.type_string()) }} as indicator_code,
    {{ dbt.cast('f.channel_code', dbt.type_string()) }} as channel_code,
    {{ dbt.cast('f.applicant_type', dbt.type_string()) }} as applicant_type,
    {{ dbt.cast('f.value', type_double()) }} as value,
    {{ dbt.cast('f.unit', dbt.type_string()) }} as unit,
    {{ dbt.cast('f.value_qualifier', dbt.type_string()) }} as value_qualifier,
    {{ dbt.cast('f.source', dbt.type_string()) }} as source,
    {{ dbt.cast('f.source_line', dbt.type_int()) }} as source_line,
    {{ dbt.cast('f.source_text', dbt.type_string()) }} as source_text,
    {{ dbt.cast('r.parser_version', dbt.type_string()) }} as parser_version,
    {{ dbt.cast('r.parsed_at', dbt.type_timestamp()) }} as parsed_at
from {{ ref('int_facts_resolved') }} as f
inner join reports as r on f.report_id = r.report_id
