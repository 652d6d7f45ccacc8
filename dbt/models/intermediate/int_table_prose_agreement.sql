{{ report_incremental('fingerprint_parse') }}
-- Keys a report states both in its table and in its prose, and whether the two agree.
-- An exact prose figure must equal the table; an approximate one (余/多/近/约) is a rounded
-- figure, so it agrees when within 10% of the table. Incremental by report.
with ranked as (
    {{ facts_ranked(report_ledger_scope('f.report_id', fingerprint_parse())) }}
),

table_facts as (
    select * from ranked
    where source = 'table' and rank_in_source = 1
),

prose_facts as (
    select * from ranked
    where source = 'narrative' and rank_in_source = 1
)

select
    t.report_id,
    t.indicator_code,
    t.channel_code,
    t.applicant_type,
    {{ fact_key('t.indicator_code', 't.channel_code', 't.applicant_type') }} as fact_key,
    t.value as table_value,
    t.source_line as table_line,
    p.value as prose_value,
    p.value_qualifier as prose_qualifier,
    p.source_line as prose_line,
    case
        when p.value_qualifier = 'approx'
            then abs(t.value - p.value) <= 0.1 * abs(t.value) + {{ sum_tolerance(1) }}
        else abs(t.value - p.value) <= {{ sum_tolerance(1) }}
    end as agrees
from table_facts as t
inner join prose_facts as p
    on t.report_id = p.report_id
    and t.indicator_code = p.indicator_code
    and t.channel_code = p.channel_code
    and t.applicant_type = p.applicant_type
