-- Every staged figure with its rank among the figures stated for the same key: first
-- within its own source (a parser should state a key once per source, but a repeated
-- figure must not duplicate the key), then across sources, where the table wins over prose.
-- (macros/facts_ranked.sql; the incremental models rank only their pending reports.)
{{ facts_ranked() }}
