-- The raw bytes and full text stay in the staged table; downstream only needs the metadata.
select
    report_id,
    source_path,
    file_name,
    size_bytes,
    encoding,
    decode_error,
    text is not null as is_decoded,
    ingested_at
from {{ source('raw', 'landed_files') }}
