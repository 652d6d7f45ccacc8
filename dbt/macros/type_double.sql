{#- 64-bit float: dbt.type_float() is a 32-bit REAL on some adapters (DuckDB), and the
    contract declares figures as DOUBLE. -#}
{% macro type_double() -%}
    {{ return(adapter.dispatch('type_double')()) }}
{%- endmacro %}

{% macro default__type_double() -%}double precision{%- endmacro %}

{% macro bigquery__type_double() -%}float64{%- endmacro %}
