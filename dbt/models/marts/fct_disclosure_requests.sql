{{ report_incremental('fingerprint_primary', contract=true) }}
-- Disclosure on request, harmonised across forms: one row per primary report stating any of
-- these figures. Outcomes use the 2019+ categories; the old form's rows are mapped by the seed
-- indicator_harmonization (grades in worst_equivalence and dim_indicator_form_row). Channels
-- exist on the old form only, applicant types on the 2019+ forms only.
{{ wide_fact([
    ['requests_received', 'all', 'all', none],
    ['requests_carried_over', 'all', 'all', none],
    ['requests_granted', 'all', 'all', none],
    ['requests_partially_granted', 'all', 'all', none],
    ['requests_already_public', 'all', 'all', none],
    ['requests_denied', 'all', 'all', none],
    ['requests_unable_to_provide', 'all', 'all', none],
    ['requests_unable_to_provide_not_held', 'all', 'all', none],
    ['requests_not_processed', 'all', 'all', none],
    ['requests_other_outcome', 'all', 'all', none],
    ['requests_total_handled', 'all', 'all', none],
    ['requests_carried_forward', 'all', 'all', none],
    ['fees_collected', 'all', 'all', none],
    ['requests_received', 'in_person', 'all', 'requests_received_in_person'],
    ['requests_received', 'fax', 'all', 'requests_received_fax'],
    ['requests_received', 'email', 'all', 'requests_received_email'],
    ['requests_received', 'online', 'all', 'requests_received_online'],
    ['requests_received', 'letter', 'all', 'requests_received_letter'],
    ['requests_received', 'other', 'all', 'requests_received_other_channel'],
    ['requests_received', 'all', 'natural_person', 'requests_received_natural_person'],
    ['requests_received', 'all', 'commercial_enterprise', 'requests_received_commercial_enterprise'],
    ['requests_received', 'all', 'research_institution', 'requests_received_research_institution'],
    ['requests_received', 'all', 'social_welfare_org', 'requests_received_social_welfare_org'],
    ['requests_received', 'all', 'legal_service_org', 'requests_received_legal_service_org'],
    ['requests_received', 'all', 'other_org', 'requests_received_other_org'],
    ['requests_received', 'all', 'legal_person_subtotal', 'requests_received_legal_person_subtotal'],
]) }}
