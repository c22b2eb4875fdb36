"""Role rules, one predicate per question. Views and selectors ask these, never the role."""

from __future__ import annotations

from .choices import (
    ANSWERS_CUSTOMERS,
    ASSIGNS_OTHERS,
    EDITS_RESTRICTED_SECTIONS,
    EDUCATES_CUSTOMERS,
    HANDLES_COMPLAINTS,
    KNOWS_OF_COMPLIANCE_CASES,
    LEADS_TEAMS,
    MANAGES_ASSISTANT,
    MANAGES_CHANNELS,
    MANAGES_COMPLAINTS,
    MANAGES_INCIDENTS,
    MANAGES_ROUTING,
    MODERATES_COMMUNITY,
    READS_AUDIT_LOG,
    RECRUITS,
    RESOLVES_QA_DISPUTES,
    REVIEWS_ARTICLES,
    REVIEWS_QUALITY,
    SEES_ALL_CONVERSATIONS,
    SEES_ANALYTICS,
    SEES_COMPLIANCE_CASES,
    SEES_CUSTOMER_PII,
    TRAINS,
    WRITES_ARTICLES,
)


def _role(user) -> str | None:
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return None
    return user.role


def sees_all_conversations(user) -> bool:
    return _role(user) in SEES_ALL_CONVERSATIONS


def sees_customer_pii(user) -> bool:
    return _role(user) in SEES_CUSTOMER_PII


def answers_customers(user) -> bool:
    return _role(user) in ANSWERS_CUSTOMERS


def reads_audit_log(user) -> bool:
    return _role(user) in READS_AUDIT_LOG


def assigns_others(user) -> bool:
    return _role(user) in ASSIGNS_OTHERS


def writes_articles(user) -> bool:
    return _role(user) in WRITES_ARTICLES


def reviews_articles(user) -> bool:
    return _role(user) in REVIEWS_ARTICLES


def edits_restricted_sections(user) -> bool:
    return _role(user) in EDITS_RESTRICTED_SECTIONS


def manages_assistant(user) -> bool:
    return _role(user) in MANAGES_ASSISTANT


def trains(user) -> bool:
    return _role(user) in TRAINS


def resolves_qa_disputes(user) -> bool:
    return _role(user) in RESOLVES_QA_DISPUTES


def reviews_quality(user) -> bool:
    return _role(user) in REVIEWS_QUALITY


def recruits(user) -> bool:
    return _role(user) in RECRUITS


def manages_channels(user) -> bool:
    return _role(user) in MANAGES_CHANNELS


def manages_routing(user) -> bool:
    return _role(user) in MANAGES_ROUTING


def sees_compliance_cases(user) -> bool:
    return _role(user) in SEES_COMPLIANCE_CASES


def knows_of_compliance_cases(user) -> bool:
    return _role(user) in SEES_COMPLIANCE_CASES | KNOWS_OF_COMPLIANCE_CASES


def sees_analytics(user) -> bool:
    return _role(user) in SEES_ANALYTICS


def leads_teams(user) -> bool:
    return _role(user) in LEADS_TEAMS


def manages_incidents(user) -> bool:
    return _role(user) in MANAGES_INCIDENTS


def handles_complaints(user) -> bool:
    return _role(user) in HANDLES_COMPLAINTS


def manages_complaints(user) -> bool:
    return _role(user) in MANAGES_COMPLAINTS


def moderates_community(user) -> bool:
    return _role(user) in MODERATES_COMMUNITY


def educates_customers(user) -> bool:
    return _role(user) in EDUCATES_CUSTOMERS
