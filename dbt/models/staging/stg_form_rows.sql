select
    form_code,
    template,
    form_name,
    legal_basis,
    first_year,
    last_year,
    row_key,
    label,
    aliases,
    section,
    unit,
    indicator_code,
    coalesce(channel_code, 'all') as channel_code,
    coalesce(applicant_type, 'all') as applicant_type,
    equivalence,
    note
from {{ source('parsed', 'form_rows') }}
