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

inputs as (
    select
        f.*,
        m.harmonized_code,
        m.role,
        case
            when {{ equivalence_rank('m.equivalence') }} >= coalesce(g.row_rank, 0)
                then {{ equivalence_rank('m.equivalence') }}
            else g.row_rank
        end as grade_rank
    from facts as f
    inner join all_mappings as m on f.indicator_code = m.indicator_code
    left join row_grades as g
        on f.form_code = g.form_code
        and f.indicator_code = g.indicator_code
        and f.channel_code = g.channel_code
        and f.applicant_type = g.applicant_type
),

ranked as (
    select
        i.*,
        row_number() over (
            partition by i.report_id, i.harmonized_code, i.channel_code, i.applicant_type, i.role
            order by i.grade_rank, i.indicator_code
        ) as rank_in_role,
        max(case when i.role = 'same' then 1 else 0 end) over (
            partition by i.report_id, i.harmonized_code, i.channel_code, i.applicant_type
        ) as has_same
    from inputs as i
),

-- A stated figure is one input as it is; only sums of parts need aggregating.
stated as (
    select
        report_id,
        harmonized_code,
        channel_code,
        applicant_type,
        value,
        unit,
        case when value_qualifier = 'approx' then 'approx' else 'exact' end as value_qualifier,
        source,
        'stated' as derivation,
        1 as n_inputs,
        {{ equivalence_of_rank('grade_rank') }} as equivalence,
        indicator_code as input_indicators
    from ranked
    where has_same = 1 and role = 'same' and rank_in_role = 1
),

summed as (
    select
        report_id,
        harmonized_code,
        channel_code,
        applicant_type,
        sum(value) as value,
        min(unit) as unit,
        max(case when value_qualifier = 'approx' then 'approx' else 'exact' end) as value_qualifier,
        case when min(source) = max(source) then min(source) else 'mixed' end as source,
        'sum_of_parts' as derivation,
        count(*) as n_inputs,
        {{ equivalence_of_rank('max(grade_rank)') }} as equivalence,
        {{ dbt.listagg('indicator_code', "'+'", 'order by indicator_code') }} as input_indicators
    from ranked
    where has_same = 0 and role = 'part'
    group by report_id, harmonized_code, channel_code, applicant_type
)

select * from stated
union all
select * from summed
