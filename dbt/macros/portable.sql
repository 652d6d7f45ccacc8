{#- Small portable helpers: every adapter-specific spelling lives here, never in a model. -#}

{#- The first n characters of a string (GB/T 2260 parents: province = 2, prefecture = 4). -#}
{% macro code_prefix(expr, n) -%}
    {{ return(adapter.dispatch('code_prefix')(expr, n)) }}
{%- endmacro %}

{% macro default__code_prefix(expr, n) -%}
    substring({{ expr }}, 1, {{ n }})
{%- endmacro %}

{% macro bigquery__code_prefix(expr, n) -%}
    substr({{ expr }}, 1, {{ n }})
{%- endmacro %}

{#- Equivalence grades ordered from best to worst, so "the worst grade" is a max(). -#}
{% macro equivalence_rank(expr) -%}
    case {{ expr }} when 'exact' then 0 when 'approximate' then 1 when 'none' then 2 else 2 end
{%- endmacro %}

{% macro equivalence_of_rank(expr) -%}
    case {{ expr }} when 0 then 'exact' when 1 then 'approximate' else 'none' end
{%- endmacro %}

{#- A column of a relation that another engineer may add later (e.g. aliases on the
    gazetteer): the column when the relation has it, else a typed NULL. -#}
{% macro optional_column(relation, column, alias=none, data_type=none) -%}
    {%- set alias = alias or column -%}
    {%- set data_type = data_type or dbt.type_string() -%}
    {%- set present = [] -%}
    {%- if execute -%}
        {%- for c in adapter.get_columns_in_relation(relation) -%}
            {%- if c.name | lower == column | lower -%}
                {%- set dtype = c.dtype | upper -%}
                {%- do present.append((c.name, '[]' in dtype or 'LIST' in dtype or 'ARRAY' in dtype)) -%}
            {%- endif -%}
        {%- endfor -%}
    {%- endif -%}
    {%- if present and present[0][1] -%}
        {#- A list column (e.g. VARCHAR[]) becomes a '|'-joined string, NULL when empty. -#}
        nullif({{ list_to_string(present[0][0], "'|'") }}, '') as {{ alias }}
    {%- elif present -%}
        {{ dbt.cast(present[0][0], data_type) }} as {{ alias }}
    {%- else -%}
        {{ dbt.cast('null', data_type) }} as {{ alias }}
    {%- endif -%}
{%- endmacro %}

{#- One column of a wide fact: the harmonised value of `code` (channel / applicant) pivoted
    out of int_harmonized_values rows. -#}
{% macro pivot_value(code, channel='all', applicant='all', alias=none) -%}
    {{ dbt.cast(
        "max(case when harmonized_code = '" ~ code ~ "' and channel_code = '" ~ channel
        ~ "' and applicant_type = '" ~ applicant ~ "' then value end)",
        type_double()) }} as {{ alias or code }}
{%- endmacro %}

{#- A list/array of strings joined into one string. -#}
{% macro list_to_string(expr, separator) -%}
    {{ return(adapter.dispatch('list_to_string')(expr, separator)) }}
{%- endmacro %}

{% macro default__list_to_string(expr, separator) -%}
    array_to_string({{ expr }}, {{ separator }})
{%- endmacro %}

{#- Whether a source table exists in the warehouse (a staged table added later, e.g.
    parsed.form_columns or parsed.parse_runs in a warehouse written before them). Pass the
    relation from source() so the dependency is still recorded when the table is absent. -#}
{% macro relation_exists(relation) -%}
    {%- if not execute -%}{{ return(false) }}{%- endif -%}
    {%- set found = adapter.get_relation(database=relation.database, schema=relation.schema,
                                         identifier=relation.identifier) -%}
    {{ return(found is not none) }}
{%- endmacro %}

{#- The value of `expr` on the row of the group with the smallest `key` (rows whose key is NULL
    are ignored; a NULL `expr` on that row is returned as NULL, not skipped). Keys must be
    unique within the group for the result to be deterministic. -#}
{% macro min_by(expr, key) -%}
    {{ return(adapter.dispatch('min_by')(expr, key)) }}
{%- endmacro %}

{% macro default__min_by(expr, key) -%}
    min_by({{ expr }}, {{ key }})
{%- endmacro %}

{#- DuckDB's min_by/arg_min skip rows whose `expr` is NULL; arg_min_null keeps them. -#}
{% macro duckdb__min_by(expr, key) -%}
    arg_min_null({{ expr }}, {{ key }})
{%- endmacro %}

{% macro postgres__min_by(expr, key) -%}
    (array_agg({{ expr }} order by {{ key }}) filter (where {{ key }} is not null))[1]
{%- endmacro %}

{#- dbt.listagg(expr, delimiter, 'order by ' ~ order_by) where `order_by` is one expression,
    unique within the group (as the order of a list must be). -#}
{% macro ordered_listagg(expr, delimiter, order_by) -%}
    {{ return(adapter.dispatch('ordered_listagg')(expr, delimiter, order_by)) }}
{%- endmacro %}

{% macro default__ordered_listagg(expr, delimiter, order_by) -%}
    {{ dbt.listagg(expr, delimiter, 'order by ' ~ order_by) }}
{%- endmacro %}

{#- DuckDB buffers and sorts each group of an ordered aggregate apart, which is slow over many
    small groups: an unordered list of (key, string) pairs sorted afterwards is the same string
    (NULL strings skipped, NULL for a group without any, as string_agg). -#}
{% macro duckdb__ordered_listagg(expr, delimiter, order_by) -%}
    array_to_string(
        list_transform(
            list_sort(list({'k': {{ order_by }}, 'v': {{ expr }}}) filter (where ({{ expr }}) is not null)),
            lambda x: x.v
        ),
        {{ delimiter }}
    )
{%- endmacro %}
