{{ report_incremental('fingerprint_primary', contract=true) }}
-- Proactive disclosure, harmonised across forms: one row per primary report stating any of
-- these figures (duplicates never counted twice). Channels exist on the old form only; the
-- 2019+ forms state proactive_total in prose and add the 第二十条 counts.
{{ wide_fact([
    ['proactive_total', 'all', 'all', none],
    ['proactive_published', 'gazette', 'all', 'proactive_published_gazette'],
    ['proactive_published', 'website', 'all', 'proactive_published_website'],
    ['proactive_published', 'weibo', 'all', 'proactive_published_weibo'],
    ['proactive_published', 'wechat', 'all', 'proactive_published_wechat'],
    ['proactive_published', 'other', 'all', 'proactive_published_other'],
    ['proactive_normative_docs', 'all', 'all', none],
    ['normative_docs_issued', 'all', 'all', none],
    ['normative_docs_repealed', 'all', 'all', none],
    ['normative_docs_in_force', 'all', 'all', none],
    ['licensing_decisions', 'all', 'all', none],
    ['penalty_decisions', 'all', 'all', none],
    ['enforcement_decisions', 'all', 'all', none],
    ['admin_fees_collected', 'all', 'all', none],
]) }}
