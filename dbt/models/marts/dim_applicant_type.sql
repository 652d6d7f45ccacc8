select
    {{ dbt.cast('applicant_type', dbt.type_string()) }} as applicant_type,
    {{ dbt.cast('label_zh', dbt.type_string()) }} as label_zh,
    {{ dbt.cast('label_en', dbt.type_string()) }} as label_en,
    {{ dbt.cast('sort_order', dbt.type_int()) }} as sort_order
from {{ ref('applicant_types') }}
