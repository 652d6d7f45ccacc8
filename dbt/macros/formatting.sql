{#- Helpers that build the human-readable strings of fct_quality_check. -#}

{#- A figure as a report prints it: whole numbers without a trailing ".0". -#}
{% macro fmt_number(expr) -%}
    case
        when {{ expr }} is null then 'not stated'
        when {{ expr }} = floor({{ expr }})
            then {{ dbt.cast(dbt.cast(expr, api.Column.translate_type('bigint')), dbt.type_string()) }}
        else {{ dbt.cast(expr, dbt.type_string()) }}
    end
{%- endmacro %}

{#- The fact-key syntax of ingest.forms: indicator[/channel][@applicant]. -#}
{% macro fact_key(indicator, channel, applicant) -%}
    {{ dbt.concat([
        indicator,
        "case when " ~ channel ~ " = 'all' then '' else " ~ dbt.concat(["'/'", channel]) ~ " end",
        "case when " ~ applicant ~ " = 'all' then '' else " ~ dbt.concat(["'@'", applicant]) ~ " end",
    ]) }}
{%- endmacro %}

{#- Tolerance of a sum check: stated figures are rounded (e.g. 万元 to two decimals), so a
    sum of n rounded parts may drift by up to n half-cents; counts still fail on a 1 gap. -#}
{% macro sum_tolerance(n_parts) -%}
    (0.001 + 0.005 * {{ n_parts }})
{%- endmacro %}
