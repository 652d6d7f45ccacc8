-- The harmonised figures: one per report x indicator x channel x applicant type,
-- the table figure winning over the prose one (int_facts_resolved).
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
    {{ dbt.cast('f.source_text', dbt.type_string()) }} as source_text
from {{ ref('int_facts_resolved') }} as f
inner join {{ ref('stg_reports') }} as r on f.report_id = r.report_id
