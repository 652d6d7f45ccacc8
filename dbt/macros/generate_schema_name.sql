{#- `+schema: marts` builds schema `marts`, not `<target schema>_marts`: BI tools and the
    contract address the marts by that bare name. -#}
{% macro generate_schema_name(custom_schema_name, node) -%}
    {%- if custom_schema_name is none -%}
        {{ target.schema }}
    {%- else -%}
        {{ custom_schema_name | trim }}
    {%- endif -%}
{%- endmacro %}
