"""Reading complaints for the console."""

from __future__ import annotations

from django.db.models import QuerySet
from django.http import Http404
from django.utils import timezone

from exdesk.accounts.models import User
from exdesk.conversations.selectors import access_conversation, visible_conversations

from .models import Complaint, ComplaintState


def complaint_for(user: User, pk: int) -> Complaint:
    complaint = Complaint.objects.select_related("conversation").filter(pk=pk).first()
    if complaint is None:
        raise Http404
    access_conversation(user, complaint.conversation_id)  # 404 unless they may see it
    return complaint


def of_conversation(conversation) -> Complaint | None:
    return Complaint.objects.filter(conversation=conversation).prefetch_related("steps").first()


def register(user: User, state: str = "", overdue: bool = False) -> QuerySet[Complaint]:
    complaints = Complaint.objects.filter(
        conversation__in=visible_conversations(user)
    ).select_related("conversation__customer")
    if state in ComplaintState.values:
        complaints = complaints.filter(state=state)
    if overdue:
        now = timezone.now()
        complaints = complaints.exclude(state=ComplaintState.RESOLVED).filter(
            resolve_due__lte=now
        ) | complaints.filter(state=ComplaintState.OPEN, acknowledge_due__lte=now)
    return complaints.order_by("-opened_at", "-id")
