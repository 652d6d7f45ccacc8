{{ report_incremental('fingerprint_primary', contract=true) }}
-- The harmonised indicators (seed harmonized_indicators) of every primary report, in long
-- form: one row per report x harmonised code x channel x applicant type, with how the value
-- was obtained (stated, or the sum of its parts) and how far it compares across forms.
-- Incremental by report: recomputed when a report's values, primary status or identity change.
with reports as (
    select * from {{ ref('int_primary_reports') }}
    where {{ report_ledger_scope('report_id', fingerprint_primary()) }}
),

harmonized as (
    select h.*
    from {{ ref('int_harmonized_values') }} as h
    inner join {{ ref('harmonized_indicators') }} as hi on h.harmonized_code = hi.harmonized_code
)

select
    {{ primary_report_columns('r') }},
    {{ dbt.cast('r.is_government_report = 1', dbt.type_boolean()) }} as is_government_report,
    {{ dbt.cast('h.harmonized_code', dbt.type_string()) }} as harmonized_code,
    {{ dbt.cast('h.channel_code', dbt.type_string()) }} as channel_code,
    {{ dbt.cast('h.applicant_type', dbt.type_string()) }} as applicant_type,
    {{ dbt.cast('h.value', type_double()) }} as value,
    {{ dbt.cast('h.unit', dbt.type_string()) }} as unit,
    {{ dbt.cast('h.value_qualifier', dbt.type_string()) }} as value_qualifier,
    {{ dbt.cast('h.source', dbt.type_string()) }} as source,
    {{ dbt.cast('h.derivation', dbt.type_string()) }} as derivation,
    {{ dbt.cast('h.n_inputs', dbt.type_int()) }} as n_inputs,
    {{ dbt.cast('h.equivalence', dbt.type_string()) }} as equivalence,
    {{ dbt.cast('h.input_indicators', dbt.type_string()) }} as input_indicators
from reports as r
inner join harmonized as h on r.report_id = h.report_id
