-- One row per landed document, parsed or not: a document that could not be decoded (or has
-- not been parsed yet) is kept with status `failed` and the reason. Duplicates (several
-- reports of one issuer and year) all stay here; `is_primary` marks the one in force and
-- `superseded_by` points the others at it (rule in int_report_primary). A department's
-- report has region_level `department` (its region_code is the region it belongs to).
with landed as (
    select * from {{ ref('stg_landed_files') }}
),

reports as (
    select * from {{ ref('stg_reports') }}
),

fact_counts as (
    select report_id, n_facts from {{ ref('int_report_facts') }}
),

issue_counts as (
    select report_id, count(*) as n_issues
    from {{ ref('stg_issues') }}
    group by report_id
),

path_counts as (
    select report_id, count(*) as n_paths
    from {{ ref('stg_landed_paths') }}
    group by report_id
),

quality as (
    select * from {{ ref('int_report_quality') }}
),

primaries as (
    select * from {{ ref('int_report_primary') }}
)

select
    {{ dbt.cast('l.report_id', dbt.type_string()) }} as report_id,
    {{ dbt.cast('l.source_path', dbt.type_string()) }} as source_path,
    {{ dbt.cast('l.file_name', dbt.type_string()) }} as file_name,
    {{ dbt.cast('r.region_code', dbt.type_string()) }} as region_code,
    {{ dbt.cast('r.region_name', dbt.type_string()) }} as region_name,
    {{ dbt.cast(
        "case when r.issuer_kind = 'department' then 'department' else coalesce(r.region_level, 'unknown') end",
        dbt.type_string()) }} as region_level,
    {{ dbt.cast('r.year', dbt.type_int()) }} as year,
    {{ dbt.cast('r.template', dbt.type_string()) }} as template,
    {{ dbt.cast('r.published_on', 'date') }} as published_on,
    {{ dbt.cast("coalesce(r.status, 'failed')", dbt.type_string()) }} as status,
    {{ dbt.cast(
        "case when r.report_id is null then coalesce(l.decode_error, 'not parsed yet')"
        ~ " else coalesce(r.failure_reason, case when r.status = 'failed' then l.decode_error end) end",
        dbt.type_string()) }} as failure_reason,
    {{ dbt.cast('r.title', dbt.type_string()) }} as title,
    {{ dbt.cast('r.issuer_name', dbt.type_string()) }} as issuer_name,
    {{ dbt.cast('r.issuer_kind', dbt.type_string()) }} as issuer_kind,
    {{ dbt.cast('r.form_code', dbt.type_string()) }} as form_code,
    {{ dbt.cast('r.year_source', dbt.type_string()) }} as year_source,
    {{ dbt.cast('r.parser_version', dbt.type_string()) }} as parser_version,
    {{ dbt.cast('l.encoding', dbt.type_string()) }} as encoding,
    {{ dbt.cast('l.decode_error', dbt.type_string()) }} as decode_error,
    {{ dbt.cast('l.size_bytes', dbt.type_bigint()) }} as size_bytes,
    {{ dbt.cast('coalesce(pc.n_paths, 1)', dbt.type_int()) }} as n_paths,
    {{ dbt.cast('coalesce(fc.n_facts, 0)', dbt.type_int()) }} as n_facts,
    {{ dbt.cast('coalesce(ic.n_issues, 0)', dbt.type_int()) }} as n_issues,
    {{ dbt.cast('coalesce(q.n_rules_applicable, 0)', dbt.type_int()) }} as n_rules_applicable,
    {{ dbt.cast('coalesce(q.n_failed_error, 0)', dbt.type_int()) }} as n_rules_failed_error,
    {{ dbt.cast('coalesce(q.n_failed_warning, 0)', dbt.type_int()) }} as n_rules_failed_warning,
    -- NULL when no rule applies: "no evidence" is not the same as "all rules passed".
    {{ dbt.cast('q.quality_score', type_double()) }} as quality_score,
    {{ dbt.cast('p.issuer_key', dbt.type_string()) }} as issuer_key,
    {{ dbt.cast('coalesce(p.is_primary, 1) = 1', dbt.type_boolean()) }} as is_primary,
    {{ dbt.cast('p.superseded_by', dbt.type_string()) }} as superseded_by,
    {{ dbt.cast('coalesce(p.duplicate_rank, 1)', dbt.type_int()) }} as duplicate_rank,
    {{ dbt.cast('coalesce(p.n_duplicates, 1)', dbt.type_int()) }} as n_duplicates,
    {{ dbt.cast('l.ingested_at', dbt.type_timestamp()) }} as ingested_at,
    {{ dbt.cast('r.parsed_at', dbt.type_timestamp()) }} as parsed_at
from landed as l
left join reports as r on l.report_id = r.report_id
left join fact_counts as fc on l.report_id = fc.report_id
left join issue_counts as ic on l.report_id = ic.report_id
left join path_counts as pc on l.report_id = pc.report_id
left join quality as q on l.report_id = q.report_id
left join primaries as p on l.report_id = p.report_id
