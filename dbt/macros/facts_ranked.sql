{#- The staged figures of the reports matching `condition` (on stg_facts' columns), ranked per
    key: first within their source, then across sources (table before prose). The body of the
    view int_facts_ranked; the incremental models call it with their pending reports, so the
    filter applies before the window functions (a filter on the view's output is not always
    pushed below them, and the windows would then rank every figure of the warehouse). -#}
{% macro facts_ranked(condition='1 = 1') -%}
select
    f.*,
    row_number() over (
        partition by f.report_id, f.indicator_code, f.channel_code, f.applicant_type, f.source
        order by f.source_line, f.value
    ) as rank_in_source,
    row_number() over (
        partition by f.report_id, f.indicator_code, f.channel_code, f.applicant_type
        order by case when f.source = 'table' then 0 else 1 end, f.source_line, f.value
    ) as precedence
from {{ ref('stg_facts') }} as f
where {{ condition }}
{%- endmacro %}
