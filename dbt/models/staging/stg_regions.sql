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
    current_code
from {{ source('parsed', 'regions') }}
