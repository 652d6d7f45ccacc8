{#- A harmonised wide fact: one row per primary report (int_primary_reports) that states at
    least one of `columns`, each column the harmonised value (int_harmonized_values) of
    (code, channel, applicant). `columns` is a list of [code, channel, applicant, alias].
    Incremental by report (the model calls report_incremental('fingerprint_primary')): a run
    pivots only the pending reports. -#}
{% macro wide_fact(columns) -%}
{%- set codes = [] -%}
{%- for c in columns -%}{%- if c[0] not in codes -%}{%- do codes.append(c[0]) -%}{%- endif -%}{%- endfor -%}
with reports as (
    select * from {{ ref('int_primary_reports') }}
    where {{ report_ledger_scope('report_id', fingerprint_primary()) }}
),

harmonized as (
    select *
    from {{ ref('int_harmonized_values') }}
    where harmonized_code in ({% for c in codes %}'{{ c }}'{{ ', ' if not loop.last }}{% endfor %})
        and {{ report_ledger_scope('report_id', fingerprint_primary()) }}
),

pivoted as (
    select
        report_id,
        {% for c in columns -%}
        {{ pivot_value(c[0], c[1], c[2], c[3]) }},
        {% endfor -%}
        {{ equivalence_of_rank(
            "max(case when channel_code = 'all' and applicant_type = 'all' then "
            ~ equivalence_rank('equivalence') ~ " else 0 end)") }} as worst_equivalence,
        max(case when value_qualifier = 'approx' then 1 else 0 end) as has_approx
    from harmonized
    group by report_id
)

select
    {{ primary_report_columns('r') }},
    {{ dbt.cast('r.issuer_name', dbt.type_string()) }} as issuer_name,
    {{ dbt.cast('r.issuer_kind', dbt.type_string()) }} as issuer_kind,
    {{ dbt.cast('r.is_government_report = 1', dbt.type_boolean()) }} as is_government_report,
    {% for c in columns -%}
    p.{{ c[3] or c[0] }},
    {% endfor -%}
    {{ dbt.cast('p.worst_equivalence', dbt.type_string()) }} as worst_equivalence,
    {{ dbt.cast('p.has_approx = 1', dbt.type_boolean()) }} as has_approx_values
from reports as r
inner join pivoted as p on r.report_id = p.report_id
{%- endmacro %}


{#- The identity columns of a primary report (int_primary_reports aliased `alias`), typed as
    the harmonised marts' contracts declare them. -#}
{% macro primary_report_columns(alias) -%}
{%- set columns = [
    ('report_id', dbt.type_string()), ('region_code', dbt.type_string()),
    ('region_name', dbt.type_string()), ('region_level', dbt.type_string()),
    ('prefecture_code', dbt.type_string()), ('province_code', dbt.type_string()),
    ('year', dbt.type_int()), ('template', dbt.type_string()), ('form_code', dbt.type_string()),
] -%}
{%- for name, type in columns -%}
    {{ dbt.cast(alias ~ '.' ~ name, type) }} as {{ name }}{{ ',\n    ' if not loop.last }}
{%- endfor -%}
{%- endmacro %}
