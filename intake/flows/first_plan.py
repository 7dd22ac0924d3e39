"""What a first plan needs from the interview: the questions that cannot wait for a later meeting
on the short path (the loader refuses `later:` on them, naming why).

Matching reads its questions through `MATCHING_QUESTIONS` (profile.py turns them into the client's
profile); the interest inventory is not among them: without it matching simply has no interest code yet.
"""

from __future__ import annotations

# Question id in the interview → field of the client's profile that matching reads.
MATCHING_QUESTIONS = {
    "skills": "skills",
    "pref_setting": "setting",
    "pref_social": "social",
    "pref_works_with": "works_with",
    "restrictions": "restrictions",
    "wish_days_per_week": "days_per_week",
    "wish_hours_per_day": "hours_per_day",
    "wish_times": "times",
    "home_municipality": "home",
    "max_journey_minutes": "max_journey",
    "transport": "transport",
    "languages": "languages",
    "support_needs": "support_needs",
    "orientation": "orientation",
    "service_type": "service",
    "age": "age",
}

_CONSENT = "the exports follow the client's consent, so it is asked before anything is shared"
_LAW_PLAN = "the law: the plan records the goal and the support and guidance given (189/2001, as amended by 702/2020)"
_MONTHS = "the law: the months of earlier periods count toward the longest period allowed (189/2001, 13 §)"

# Question id → why the first plan needs it (told when content marks it to wait).
NEEDED: dict[str, str] = {
    **{question: f"matching reads it (the client's {field})" for question, field in MATCHING_QUESTIONS.items()},
    "avoid": "matching reads it (the tasks to avoid)",
    "preferred_start": "the plan's start date and the rules in force on it",
    "has_restrictions": "matching reads the health restrictions it asks for",
    "consent_record": _CONSENT,
    "consent_share": _CONSENT,
    "consent_placement": _CONSENT,
    "benefit": "the law: the plan type offered and the allowance paid depend on the client's benefit (rules.yaml)",
    "earlier_ktt": _MONTHS,
    "earlier_ktt_months": _MONTHS,
    "goals": _LAW_PLAN,
    "support_and_guidance": _LAW_PLAN,
    "contact_person": "the plan names the client's contact person",
    "referral": "the plan names who referred the client",
    "strengths_self": "the plan records the client's strengths",
    "strengths_counsellor": "the plan records the client's strengths",
}
