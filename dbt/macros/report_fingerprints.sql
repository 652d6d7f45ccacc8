{#-
  Fingerprints of the models incremental by report (macros/report_ledger.sql): per report in
  force (int_report_versions), a hash of everything the model reads for that report. A
  model's rows for a report are recomputed when it changes. An input that is itself
  incremental by report enters through its ledger's fingerprint (what it holds, even when it
  is stale), a full table through the columns read from it, a view through its current
  value; the catalog enters through int_catalog_fingerprint (form rules; harmonisation: form
  rows and columns and seeds; the cross-year vars).
  Adding an input to a model means adding it to the model's fingerprint here.
-#}

{#- A hash of SQL expressions, NULL-safe (NULL and '' differ). -#}
{% macro fingerprint_of(expressions) -%}
    {%- set parts = [] -%}
    {%- for e in expressions -%}
        {%- do parts.append("coalesce(" ~ dbt.cast(e, dbt.type_string()) ~ ", '<null>')") -%}
        {%- if not loop.last %}{%- do parts.append("'|'") -%}{%- endif -%}
    {%- endfor -%}
    {{ dbt.hash(dbt.concat(parts)) }}
{%- endmacro %}

{#- The fingerprint an incremental input holds for the report (`<none>` when absent). -#}
{% macro ledger_fingerprint(alias) -%}
    coalesce({{ alias }}.fingerprint, '<none>')
{%- endmacro %}

{#- The parse in force (stg_reports: parser_version, parsed_at): int_facts_resolved,
    int_table_prose_agreement. -#}
{% macro fingerprint_parse() -%}
    select report_id, parse_fingerprint as fingerprint
    from {{ ref('int_report_versions') }}
{%- endmacro %}

{#- The parse and its resolved figures: fct_indicator_value, int_report_facts. -#}
{% macro fingerprint_facts() -%}
    select
        v.report_id,
        {{ fingerprint_of(['v.parse_fingerprint', ledger_fingerprint('f')]) }} as fingerprint
    from {{ ref('int_report_versions') }} as v
    left join {{ report_ledger_relation(ref('int_facts_resolved')) }} as f on v.report_id = f.report_id
{%- endmacro %}

{#- ... and the form rules: int_rule_results. -#}
{% macro fingerprint_rules() -%}
    select
        v.report_id,
        {{ fingerprint_of(['v.parse_fingerprint', 'v.rules_fingerprint', ledger_fingerprint('f')]) }} as fingerprint
    from {{ ref('int_report_versions') }} as v
    left join {{ report_ledger_relation(ref('int_facts_resolved')) }} as f on v.report_id = f.report_id
{%- endmacro %}

{#- ... and the harmonisation (form rows and columns, seeds): int_harmonized_values. -#}
{% macro fingerprint_harmonization() -%}
    select
        v.report_id,
        {{ fingerprint_of(['v.parse_fingerprint', 'v.harmonization_fingerprint', ledger_fingerprint('f')]) }}
            as fingerprint
    from {{ ref('int_report_versions') }} as v
    left join {{ report_ledger_relation(ref('int_facts_resolved')) }} as f on v.report_id = f.report_id
{%- endmacro %}

{#- Cross-year checks of a report: its primary status and issuer (int_report_primary), the
    primary report of its issuer the year before, and both reports' harmonised values. -#}
{#- The primary reports with an issuer and a year: what the cross-year checks pair (this macro
    and int_cross_year_checks must pair the same reports, so both read it from here). -#}
{% macro cross_year_primaries() -%}
    select p.report_id, p.issuer_key, r.year
    from {{ ref('int_report_primary') }} as p
    inner join {{ ref('stg_reports') }} as r on p.report_id = r.report_id
    where p.is_primary = 1 and p.issuer_key is not null and r.year is not null
{%- endmacro %}

{% macro fingerprint_cross_year() -%}
    with primaries as (
        {{ cross_year_primaries() }}
    ),

    previous as (
        select cur.report_id, prev.report_id as prev_report_id
        from primaries as cur
        inner join primaries as prev
            on cur.issuer_key = prev.issuer_key
            and cur.year = prev.year + 1
    )

    select
        v.report_id,
        {{ fingerprint_of([
            'v.parse_fingerprint', 'v.cross_year_fingerprint', ledger_fingerprint('h'),
            'p.prev_report_id', 'pv.parse_fingerprint', ledger_fingerprint('ph'),
        ]) }} as fingerprint
    from {{ ref('int_report_versions') }} as v
    left join previous as p on v.report_id = p.report_id
    left join {{ ref('int_report_versions') }} as pv on p.prev_report_id = pv.report_id
    left join {{ report_ledger_relation(ref('int_harmonized_values')) }} as h on v.report_id = h.report_id
    left join {{ report_ledger_relation(ref('int_harmonized_values')) }} as ph on p.prev_report_id = ph.report_id
{%- endmacro %}

{#- Every check of a report: form rules, table/prose agreement, cross-year checks. -#}
{% macro fingerprint_quality() -%}
    select
        v.report_id,
        {{ fingerprint_of([ledger_fingerprint('r'), ledger_fingerprint('a'), ledger_fingerprint('y')]) }}
            as fingerprint
    from {{ ref('int_report_versions') }} as v
    left join {{ report_ledger_relation(ref('int_rule_results')) }} as r on v.report_id = r.report_id
    left join {{ report_ledger_relation(ref('int_table_prose_agreement')) }} as a on v.report_id = a.report_id
    left join {{ report_ledger_relation(ref('int_cross_year_checks')) }} as y on v.report_id = y.report_id
{%- endmacro %}

{#- What int_quality_checks holds for the report: fct_quality_check, int_report_quality. -#}
{% macro fingerprint_quality_checks() -%}
    select v.report_id, {{ ledger_fingerprint('q') }} as fingerprint
    from {{ ref('int_report_versions') }} as v
    left join {{ report_ledger_relation(ref('int_quality_checks')) }} as q on v.report_id = q.report_id
{%- endmacro %}

{#- A primary report's harmonised values and identity (int_primary_reports: region chain,
    issuer, year, form; `not primary` otherwise): fct_harmonized_value and the wide facts. -#}
{% macro fingerprint_primary() -%}
    select
        v.report_id,
        {{ fingerprint_of([
            'v.harmonization_fingerprint', ledger_fingerprint('h'),
            "case when p.report_id is null then 'not primary' end",
            'p.region_code', 'p.region_name', 'p.region_level', 'p.prefecture_code', 'p.province_code',
            'p.year', 'p.template', 'p.form_code', 'p.issuer_name', 'p.issuer_kind', 'p.is_government_report',
        ]) }} as fingerprint
    from {{ ref('int_report_versions') }} as v
    left join {{ ref('int_primary_reports') }} as p on v.report_id = p.report_id
    left join {{ report_ledger_relation(ref('int_harmonized_values')) }} as h on v.report_id = h.report_id
{%- endmacro %}
