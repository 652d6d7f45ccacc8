-- The gazetteer as staged. Optional columns (aliases, former_names, change_kind) are read when
-- the staged table has them and NULL otherwise, so the model never breaks on them; list
-- columns become '|'-joined strings.
select
    region_code,
    region_name,
    region_level,
    parent_code,
    prefecture_code,
    province_code,
    province_name,
    is_current,
    valid_from_year,
    valid_to_year,
    current_code,
    {{ optional_column(source('parsed', 'regions'), 'aliases') }},
    {{ optional_column(source('parsed', 'regions'), 'former_names') }},
    {{ optional_column(source('parsed', 'regions'), 'change_kind') }}
from {{ source('parsed', 'regions') }}
