select
    {{ dbt.cast('channel_code', dbt.type_string()) }} as channel_code,
    {{ dbt.cast('applies_to', dbt.type_string()) }} as applies_to,
    {{ dbt.cast('label_zh', dbt.type_string()) }} as label_zh,
    {{ dbt.cast('label_en', dbt.type_string()) }} as label_en,
    {{ dbt.cast('sort_order', dbt.type_int()) }} as sort_order
from {{ ref('channels') }}
