select
    report_id,
    source_path,
    file_name,
    first_seen_at
from {{ source('raw', 'landed_paths') }}
