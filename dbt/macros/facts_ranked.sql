{#- The staged figures of the reports matching `condition` (on stg_facts' columns), ranked per
    key: first within their source, then across sources (table before prose). The body of the
    view int_facts_ranked; the incremental models call it with their pending reports, so the
    filter applies before the window functions (a filter on the view's output is not always
    pushed below them, and the windows would then rank every figure of the warehouse).
    Only the figures of a key stated more than once (in both table and prose, or repeated)
    go through the window functions: a key stated once ranks 1 in both, and sorting every
    figure by key costs several times more than finding the repeated keys. -#}
{% macro facts_ranked(condition='1 = 1') -%}
with scoped as (
    select f.*
    from {{ ref('stg_facts') }} as f
    where {{ condition }}
),

repeated_keys as (
    select report_id, indicator_code, channel_code, applicant_type
    from scoped
    group by report_id, indicator_code, channel_code, applicant_type
    having count(*) > 1
)

select
    s.*,
    1 as rank_in_source,
    1 as precedence
from scoped as s
where not exists (
    select 1 from repeated_keys as k
    where {{ facts_ranked_same_key('k', 's') }}
)

union all

select
    s.*,
    row_number() over (
        partition by s.report_id, s.indicator_code, s.channel_code, s.applicant_type, s.source
        order by s.source_line, s.value
    ) as rank_in_source,
    row_number() over (
        partition by s.report_id, s.indicator_code, s.channel_code, s.applicant_type
        order by case when s.source = 'table' then 0 else 1 end, s.source_line, s.value
    ) as precedence
from scoped as s
where exists (
    select 1 from repeated_keys as k
    where {{ facts_ranked_same_key('k', 's') }}
)
{%- endmacro %}

{#- Same key (NULLs alike, as the windows' partitions group them). -#}
{% macro facts_ranked_same_key(a, b) -%}
    {%- for column in ['report_id', 'indicator_code', 'channel_code', 'applicant_type'] -%}
        {{ a }}.{{ column }} is not distinct from {{ b }}.{{ column }}{% if not loop.last %} and {% endif %}
    {%- endfor -%}
{%- endmacro %}
