"""The service ids (rules.yaml service_types) that the code reads by name; imports nothing, so the
command line's parser can use them."""

REHABILITATIVE_WORK_ACTIVITY = "rehabilitative_work_activity"
SUPPORTED_EMPLOYMENT = "supported_employment"
