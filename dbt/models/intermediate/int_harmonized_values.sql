{{ report_incremental('fingerprint_harmonization') }}
-- Every report's figures restated as harmonised indicators, comparable across forms.
-- Each indicator feeds itself, plus the harmonised codes the seed indicator_harmonization
-- maps it to (role `same`: the figure is the harmonised one; role `part`: one item of it).
-- Per report x harmonised code x channel x applicant type: the `same` figure where the
-- report states one (the best-graded, then the first by code), else the sum of the stated
-- parts. The grade is the worst over the figures used, of the seed's grade and the grade the
-- form's YAML gives the printed row (parsed.form_rows.equivalence), or the suffixed column for
-- a derived indicator such as requests_received_cumulative (int_form_row_indicators).
-- Incremental by report (macros/report_ledger.sql).
with mapping as (
    select indicator_code, harmonized_code, role, equivalence
    from {{ ref('indicator_harmonization') }}
),

facts as (
    select
        f.report_id,
        f.indicator_code,
        f.channel_code,
        f.applicant_type,
        f.value,
        f.unit,
        f.value_qualifier,
        f.source,
        r.form_code
    from {{ ref('int_facts_resolved') }} as f
    inner join {{ ref('stg_reports') }} as r on f.report_id = r.report_id
    where {{ report_ledger_scope('f.report_id', fingerprint_harmonization()) }}
),

row_grades as (
    select
        form_code,
        indicator_code,
        channel_code,
        applicant_type,
        max({{ equivalence_rank('equivalence') }}) as row_rank
    from {{ ref('int_form_row_indicators') }}
    where indicator_code is not null
    group by form_code, indicator_code, channel_code, applicant_type
),

identity as (
    select distinct f.indicator_code, f.indicator_code as harmonized_code, 'same' as role, 'exact' as equivalence
    from facts as f
    where not exists (
        select 1 from mapping as m
        where m.indicator_code = f.indicator_code and m.harmonized_code = f.indicator_code
    )
),

all_mappings as (
    select * from mapping
    union all
    select * from identity
),

-- A harmonised code fed by one indicator (most are: every indicator the seed does not map
-- feeds only itself) has at most one input per key (int_facts_resolved has one figure per
-- report x indicator x channel x applicant type), taken as it is; only the codes fed by
-- several indicators need aggregating per key.
mapping_sources as (
    select
        m.*,
        count(*) over (partition by m.harmonized_code) as n_sources
    from all_mappings as m
),

inputs as (
    select
        f.*,
        m.harmonized_code,
        m.role,
        m.n_sources,
        case
            when {{ equivalence_rank('m.equivalence') }} >= coalesce(g.row_rank, 0)
                then {{ equivalence_rank('m.equivalence') }}
            else g.row_rank
        end as grade_rank
    from facts as f
    inner join mapping_sources as m on f.indicator_code = m.indicator_code
    left join row_grades as g
        on f.form_code = g.form_code
        and f.indicator_code = g.indicator_code
        and f.channel_code = g.channel_code
        and f.applicant_type = g.applicant_type
),

-- The one input of a key of a single-source code: stated if `same`, else a sum of one part
-- (its source 'mixed' when NULL, as min(source) = max(source) is then not true).
single_input as (
    select
        report_id,
        harmonized_code,
        channel_code,
        applicant_type,
        value,
        unit,
        case when value_qualifier = 'approx' then 'approx' else 'exact' end as value_qualifier,
        case when role = 'same' or source is not null then source else 'mixed' end as source,
        case when role = 'same' then 'stated' else 'sum_of_parts' end as derivation,
        1 as n_inputs,
        {{ equivalence_of_rank('grade_rank') }} as equivalence,
        indicator_code as input_indicators
    from inputs
    where n_sources = 1
),

-- The keys of the other codes: one aggregation each (cheaper than a pair of window functions
-- over the inputs), giving the first `same` input (best grade, then first indicator code:
-- `same_order` is one digit of grade, then the code, so one string orders both; NULL for the
-- parts) and the sum of all inputs, which are all parts where the key has no `same` input.
multi_inputs as (
    select
        i.*,
        case
            when i.role = 'same' then {{ dbt.concat([dbt.cast('i.grade_rank', dbt.type_string()), 'i.indicator_code']) }}
        end as same_order
    from inputs as i
    where i.n_sources > 1
),

per_key as (
    select
        report_id,
        harmonized_code,
        channel_code,
        applicant_type,
        count(same_order) as n_same,
        {{ min_by('value', 'same_order') }} as same_value,
        {{ min_by('unit', 'same_order') }} as same_unit,
        {{ min_by('value_qualifier', 'same_order') }} as same_value_qualifier,
        {{ min_by('source', 'same_order') }} as same_source,
        {{ min_by('grade_rank', 'same_order') }} as same_grade_rank,
        {{ min_by('indicator_code', 'same_order') }} as same_indicator,
        sum(value) as parts_value,
        min(unit) as parts_unit,
        max(case when value_qualifier = 'approx' then 'approx' else 'exact' end) as parts_value_qualifier,
        case when min(source) = max(source) then min(source) else 'mixed' end as parts_source,
        count(*) as n_parts,
        max(grade_rank) as parts_grade_rank,
        {{ ordered_listagg('indicator_code', "'+'", 'indicator_code') }} as parts_indicators
    from multi_inputs
    group by report_id, harmonized_code, channel_code, applicant_type
)

select * from single_input

union all

-- A stated figure is the first `same` input as it is; else the sum of the parts.
select
    report_id,
    harmonized_code,
    channel_code,
    applicant_type,
    case when n_same > 0 then same_value else parts_value end as value,
    case when n_same > 0 then same_unit else parts_unit end as unit,
    case
        when n_same = 0 then parts_value_qualifier
        when same_value_qualifier = 'approx' then 'approx'
        else 'exact'
    end as value_qualifier,
    case when n_same > 0 then same_source else parts_source end as source,
    case when n_same > 0 then 'stated' else 'sum_of_parts' end as derivation,
    case when n_same > 0 then 1 else n_parts end as n_inputs,
    {{ equivalence_of_rank('case when n_same > 0 then same_grade_rank else parts_grade_rank end') }} as equivalence,
    case when n_same > 0 then same_indicator else parts_indicators end as input_indicators
from per_key
