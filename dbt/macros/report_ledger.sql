{#-
  Incremental by report, with a ledger (docs/scaling.md, "dbt at scale").

  A per-report model (its rows for a report depend on that report's inputs only) is
  `materialized='incremental'` (config: report_incremental) and keeps a *ledger*
  (dbt_ledger.<model>): one row per report of its input, with the fingerprint of the inputs
  its rows were computed from (macros/report_fingerprints.sql) and the batch (a number that
  only grows) that wrote them. A run recomputes only the *pending* reports, whose fingerprint
  differs from the ledger's (new, re-parsed, or an input such as the primary-report choice
  changed), and drops the rows of the reports that left the input:

    pre-hook   the pending reports are listed (dbt_ledger.<model>__pending: one evaluation
               of the fingerprints) and their rows deleted from the model (on an empty
               ledger, e.g. a table built before ledgers existed, every row is); on a full
               build (first run, --full-refresh) every report is pending and the ledger empty
    body       the first chunk of var('report_chunk_size') pending reports
               (`report_ledger_scope`)
    post-hook  the body again for each further chunk (so a statement's memory is bounded
               however many reports are pending: a full build of 100k reports does not
               spill), then pending reports' ledger rows are replaced by their new
               fingerprints, in a new batch

  The three run in the model's transaction, so a crash leaves model and ledger consistent.
  A report with no row in the model (a narrative report has no form rule) is still in the
  ledger, so it is not recomputed every run. Fingerprints are built from the ledgers of the
  model's incremental inputs, so a model built while an input is stale (a partial
  selection, a failed upstream model) records the stale state and catches up later.

  Tests: a per-report test of such a model (a row-level test against its own arguments, or
  uniqueness of a key including report_id) reads only the reports written after the last
  batch it passed on (`get_where_subquery`, below); `report_ledger_mark_verified`
  (on-run-end) records, per test (dbt_ledger.<model>__tests, keyed by the test and its
  arguments), the batch it passed on. A failing test (a `warn` with failures included) does
  not advance, so it reports every failure again on later runs; a new or changed test reads
  every row once. `--full-refresh` or `--vars '{report_ledger_verify_all: true}'` tests every
  row.
-#}

{#- The config of a model incremental by report (call it first in the model): `fingerprint` names
    its fingerprint macro (macros/report_fingerprints.sql); `contract` for a mart. -#}
{% macro report_incremental(fingerprint, contract=false) -%}
    {{ config(
        materialized='incremental',
        incremental_strategy='append',
        on_schema_change='append_new_columns' if contract else 'sync_all_columns',
        meta={'report_ledger': true, 'report_fingerprint': fingerprint},
        pre_hook="{{ report_ledger_pre_hook(" ~ fingerprint ~ "()) }}",
        post_hook="{{ report_ledger_post_hook(" ~ fingerprint ~ "()) }}",
    ) }}
{%- endmacro %}

{#- The ledger of `relation` (default: the model being built), in var('report_ledger_schema');
    `suffix` '__tests' names its test table. -#}
{% macro report_ledger_relation(relation=none, suffix='') -%}
    {%- set rel = relation if relation is not none else this -%}
    {{ return(api.Relation.create(database=rel.database, schema=var('report_ledger_schema'),
                                  identifier=rel.identifier ~ suffix, type='table')) }}
{%- endmacro %}

{#- In the model body: restrict `column` (a report id) to the reports of the current chunk of
    the pending ones (computed by the pre-hook). `fingerprints` is the model's fingerprint
    macro, called here so that dbt records the model's inputs. -#}
{% macro report_ledger_scope(column, fingerprints) -%}
    {{ column }} in (select report_id from {{ report_ledger_relation(suffix='__pending') }}
                     where fingerprint is not null and is_current_chunk)
{%- endmacro %}

{% macro report_ledger_create_tables(relation=none) -%}
    create table if not exists {{ report_ledger_relation(relation) }} (
        report_id {{ dbt.type_string() }},
        fingerprint {{ dbt.type_string() }},
        batch {{ dbt.type_bigint() }}
    );
    create table if not exists {{ report_ledger_relation(relation, '__tests') }} (
        test_key {{ dbt.type_string() }},
        verified_through {{ dbt.type_bigint() }}
    )
{%- endmacro %}

{#- Pending reports (dbt_ledger.<model>__pending, kept until the next run): on an
    incremental run, the reports whose fingerprint (`fingerprints`: a select of report_id,
    fingerprint over every report in force) is new or changed, and the reports the ledger
    holds that left the input (fingerprint NULL: their rows must go); on a full build, every
    report, and the ledger and its test table start empty. Pending reports are numbered into
    chunks of var('report_chunk_size'); the body computes the first, the post-hook the others. -#}
{% macro report_ledger_pre_hook(fingerprints) -%}
    {%- set ledger = report_ledger_relation() -%}
    {%- set pending = report_ledger_relation(suffix='__pending') -%}
    {{ report_ledger_create_tables() }};
    drop table if exists {{ pending }};
    {% if not is_incremental() -%}
    delete from {{ ledger }};
    delete from {{ report_ledger_relation(suffix='__tests') }};
    {% endif -%}
    create table {{ pending }} as
    select
        report_id,
        fingerprint,
        chunk,
        chunk = 0 as is_current_chunk
    from (
        select
            changed.report_id,
            changed.fingerprint,
            {{ dbt.cast('floor((row_number() over (order by changed.report_id) - 1) / '
                        ~ var('report_chunk_size') ~ '.0)', dbt.type_bigint()) }} as chunk
        from (
            {% if is_incremental() -%}
            select coalesce(fp.report_id, led.report_id) as report_id, fp.fingerprint
            from ({{ fingerprints }}) as fp
            full outer join {{ ledger }} as led on fp.report_id = led.report_id
            where led.report_id is null or fp.report_id is null or led.fingerprint <> fp.fingerprint
            {%- else -%}
            select fp.report_id, fp.fingerprint from ({{ fingerprints }}) as fp
            {%- endif %}
        ) as changed
    ) as numbered;
    {% if is_incremental() -%}
    {#- Two statements, not one `or`: alone, the `in` reads only the row groups whose report_id
        range holds a pending report (the table is written in report_id order, chunk by chunk),
        and the `not exists` is decided once; combined, every row of the model is read. -#}
    delete from {{ this }}
    where report_id in (select report_id from {{ pending }});
    delete from {{ this }}
    where not exists (select 1 from {{ ledger }});
    {%- endif %}
{%- endmacro %}

{#- The chunks after the first: the model's own SQL again, once per chunk (at most
    var('report_chunk_size') reports per statement bounds the memory a statement needs). -#}
{% macro report_ledger_other_chunks() -%}
    {%- if not execute -%}{{ return('') }}{%- endif -%}
    {%- set pending = report_ledger_relation(suffix='__pending') -%}
    {%- set last = run_query('select max(chunk) from ' ~ pending ~ ' where fingerprint is not null').columns[0].values()[0] -%}
    {%- set columns = adapter.get_columns_in_relation(this) | map(attribute='quoted') | join(', ') -%}
    {%- set statements = [] -%}
    {%- for chunk in range(1, (last or 0) | int + 1) -%}
        {%- do statements.append('update ' ~ pending ~ ' set is_current_chunk = (chunk = ' ~ chunk ~ ')') -%}
        {%- do statements.append('insert into ' ~ this ~ ' (' ~ columns ~ ') select ' ~ columns ~ ' from ('
                                 ~ compiled_code ~ '\n) as chunk_rows') -%}
    {%- endfor -%}
    {{ return(statements | join(';\n') ~ (';' if statements else '')) }}
{%- endmacro %}

{#- The ledger takes the pending reports' fingerprints, in a new batch above every batch of
    the ledger and every batch a test passed on (so a report written now is read by every
    test, even if its previous batch was the newest), and forgets the reports that left. -#}
{% macro report_ledger_post_hook(fingerprints) -%}
    {%- set ledger = report_ledger_relation() -%}
    {%- set pending = report_ledger_relation(suffix='__pending') -%}
    {{ report_ledger_other_chunks() }}
    insert into {{ ledger }} (report_id, fingerprint, batch)
    select p.report_id, p.fingerprint, nb.batch
    from {{ pending }} as p
    cross join (
        select coalesce(max(b), 0) + 1 as batch
        from (
            select max(batch) as b from {{ ledger }}
            union all
            select max(verified_through) as b from {{ report_ledger_relation(suffix='__tests') }}
        ) as bounds
    ) as nb
    where p.fingerprint is not null;
    delete from {{ ledger }}
    where report_id in (select report_id from {{ pending }} where fingerprint is null);
    delete from {{ ledger }}
    where report_id in (select report_id from {{ pending }} where fingerprint is not null)
        and batch < (select max(batch) from {{ ledger }});
{%- endmacro %}

{#- on-run-start: the ledger schema exists (created once, not by concurrent pre-hooks). -#}
{% macro report_ledger_create_schema() -%}
    create schema if not exists {{ api.Relation.create(database=target.database,
                                                       schema=var('report_ledger_schema')).without_identifier() }}
{%- endmacro %}

{#- A test's key in the test table: the test and its arguments and configs, so a changed test
    starts over. -#}
{% macro report_ledger_test_key(test_node) -%}
    {{ return(local_md5(test_node.unique_id ~ tojson(test_node.test_metadata or {})
                        ~ (test_node.config.severity or '') ~ (test_node.config.where or ''))) }}
{%- endmacro %}

{#- on-run-end: every test of a ledger model that passed in this invocation records the
    newest batch of the model's ledger as checked (the model did not fail in the run). -#}
{% macro report_ledger_mark_verified(results) -%}
    {%- if not execute -%}{{ return('') }}{%- endif -%}
    {%- set status = {} -%}
    {%- for r in results -%}{%- do status.update({r.node.unique_id: (r.status | string | lower)}) -%}{%- endfor -%}
    {%- set statements = [] -%}
    {%- for node in graph.nodes.values()
            if node.resource_type == 'test' and node.attached_node and status.get(node.unique_id) == 'pass' -%}
        {%- set model_node = graph.nodes.get(node.attached_node) -%}
        {%- if model_node and model_node.config.meta.get('report_ledger')
              and status.get(model_node.unique_id, 'success') == 'success' -%}
            {%- set rel = api.Relation.create(database=target.database, schema=model_node.schema,
                                              identifier=model_node.alias) -%}
            {%- set tests = report_ledger_relation(rel, '__tests') -%}
            {%- set key = report_ledger_test_key(node) -%}
            {%- do statements.append(report_ledger_create_tables(rel)) -%}
            {%- do statements.append("delete from " ~ tests ~ " where test_key = '" ~ key ~ "'") -%}
            {%- do statements.append("insert into " ~ tests ~ " (test_key, verified_through) select '" ~ key
                ~ "', coalesce(max(batch), 0) from " ~ report_ledger_relation(rel)) -%}
        {%- endif -%}
    {%- endfor -%}
    {{ return(statements | join(';\n')) }}
{%- endmacro %}

{#- Which tests judge one report's rows by themselves, so that testing only the reports
    written since a test last passed is complete: tests of a row against the test's own
    arguments, and uniqueness of a key that includes report_id. A relationships test also
    depends on the parent table, which may change without the child's reports changing: it
    always reads every row. -#}
{% macro report_ledger_test_is_per_report(test_metadata) -%}
    {%- set name = test_metadata.get('name') -%}
    {%- set kwargs = test_metadata.get('kwargs', {}) -%}
    {%- if name in ['not_null', 'accepted_values', 'value_between'] -%}
        {{ return(true) }}
    {%- elif name == 'unique' -%}
        {{ return((kwargs.get('column_name') or '') | lower == 'report_id') }}
    {%- elif name == 'unique_combination' -%}
        {{ return('report_id' in (kwargs.get('columns') or []) | map('lower') | list) }}
    {%- endif -%}
    {{ return(false) }}
{%- endmacro %}

{#- Overrides dbt's macro: what a generic test reads as its `model`. A per-report test of a
    ledger model reads only the reports written since its last pass (see the top of this
    file); any other test reads the whole relation. `where` configs keep working. -#}
{% macro get_where_subquery(relation) -%}
    {%- set where = config.get('where') -%}
    {%- set conditions = [where] if where else [] -%}
    {%- if execute and not var('report_ledger_verify_all') and model.get('attached_node') -%}
        {%- set node = graph.nodes.get(model.attached_node) -%}
        {%- if node and node.config.meta.get('report_ledger') and relation.identifier == node.alias
              and report_ledger_test_is_per_report(model.get('test_metadata') or {}) -%}
            {%- set ledger = report_ledger_relation(relation) -%}
            {%- set tests = report_ledger_relation(relation, '__tests') -%}
            {#- The dbt relation cache may miss a table created in this run: then the test
                reads every row (never fewer). -#}
            {%- if adapter.get_relation(database=tests.database, schema=tests.schema,
                                        identifier=tests.identifier) is not none -%}
                {%- do conditions.append(
                    "report_id in (select report_id from " ~ ledger ~ " where batch > coalesce("
                    ~ "(select max(verified_through) from " ~ tests ~ " where test_key = '"
                    ~ report_ledger_test_key(graph.nodes.get(model.unique_id, model)) ~ "'), 0))") -%}
            {%- endif -%}
        {%- endif -%}
    {%- endif -%}
    {%- if conditions -%}
        {%- set filtered -%}
            (select * from {{ relation }} where {{ conditions | join(' and ') }}) dbt_subquery
        {%- endset -%}
        {{ return(filtered) }}
    {%- else -%}
        {{ return(relation) }}
    {%- endif -%}
{%- endmacro %}
