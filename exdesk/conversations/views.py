"""Agent console: inbox, conversation page and its actions. Thin: parse, call, render."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import HttpResponseRedirect, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_POST

from exdesk.accounts.decorators import staff_required
from exdesk.accounts.permissions import answers_customers, assigns_others, writes_articles
from exdesk.assistant import selectors as assistant
from exdesk.audit import services as audit
from exdesk.audit.models import AuditAction
from exdesk.core.forms import add_service_errors
from exdesk.customers.masking import customer_view
from exdesk.helpcenter import selectors as kb_selectors
from exdesk.messaging import selectors as messaging_selectors
from exdesk.quality import selectors as quality_selectors
from exdesk.routing import services as routing
from exdesk.sla import selectors as sla_selectors

from . import attachments as files
from . import selectors, services
from .choices import Channel, Priority, Status
from .forms import EscalationForm, NoteForm, PriorityForm, ReplyForm, StatusForm, TagsForm

PAGE_SIZE = 25


@staff_required
def inbox(request):
    filters = selectors.InboxFilters.from_query(request.GET)
    conversations = selectors.inbox(request.user, filters)
    page = Paginator(conversations, PAGE_SIZE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    context = {
        "page": page,
        "filters": filters,
        "query": query.urlencode(),
        "statuses": Status.choices,
        "priorities": Priority.choices,
        "channels": Channel.choices,
        "views": [
            ("mine", _("Mine")),
            ("unassigned", _("Unassigned")),
            ("teams", _("My teams")),
            ("all", _("All")),
        ],
        "can_answer": answers_customers(request.user),
        "compliance_cases": selectors.compliance_cases_known_to(request.user),
    }
    return render(request, "conversations/inbox.html", context)


def _detail_context(request, conversation, **forms):
    events = selectors.timeline(request.user, conversation)
    escalation = routing.open_escalation(conversation)
    assignable = selectors.assignable_staff(conversation) if assigns_others(request.user) else []
    events = list(events)
    # How each reply went out (e-mail or platform) and the quoted history under each mail.
    channel = messaging_selectors.channel_details(conversation)
    # The automatic quality review, its flags shown on the messages they point at.
    auto_review = quality_selectors.auto_review_for(request.user, conversation)
    for event in events:
        event.delivery = channel.delivery.get(event.pk)
        event.quoted = channel.quoted.get(event.pk, "")
        event.qa_flags = auto_review.by_event.get(event.pk, []) if auto_review else []
    from exdesk.complaints import selectors as complaint_selectors
    from exdesk.complaints.models import ComplaintCategory
    from exdesk.incidents import selectors as incident_selectors

    return {
        "complaint": complaint_selectors.of_conversation(conversation),
        "complaint_categories": ComplaintCategory.choices,
        "auto_review": auto_review,
        # A declared incident this case belongs to, with the approved script.
        "incidents": incident_selectors.linked_to(conversation),
        "conversation": conversation,
        "events": events,
        "channel_identity": channel.identity,
        # The live console asks for what came after what this page shows (console-live.js).
        "last_seq": max((event.seq for event in events), default=0),
        "customer": customer_view(conversation.customer, request.user),
        "tags": ", ".join(conversation.tags.values_list("name", flat=True)),
        "reply_form": forms.get("reply_form") or ReplyForm(),
        "note_form": forms.get("note_form") or NoteForm(),
        "status_form": StatusForm(initial={"status": conversation.status}, auto_id="prop_%s"),
        "priority_form": PriorityForm(initial={"priority": conversation.priority}),
        "can_answer": answers_customers(request.user),
        "assignable": assignable,
        # "Turn this answer into an article" (help center).
        "kb_sections": kb_selectors.sections() if writes_articles(request.user) else [],
        # What the assistant read, and the articles and responses that fit it.
        "copilot": assistant.copilot(conversation) if answers_customers(request.user) else None,
        "sla_clocks": sla_selectors.clocks_of(conversation),
        "escalation": escalation,
        "escalation_form": forms.get("escalation_form") or EscalationForm(),
        "can_hand_back": escalation is not None and routing.may_hand_back(request.user, escalation),
        # A compliance case is answered with approved templates only.
        "compliance_templates": (
            assistant.compliance_templates(conversation.language) if conversation.restricted else []
        ),
    }


@staff_required
def conversation_detail(request, pk):
    conversation = selectors.access_conversation(request.user, pk)
    audit.record(
        request.user,
        AuditAction.VIEW_CONVERSATION,
        conversation,
        customer=conversation.customer,
        request=request,
    )
    return render(request, "conversations/detail.html", _detail_context(request, conversation))


def _back(conversation) -> HttpResponseRedirect:
    return redirect("conversations:detail", pk=conversation.pk)


def _rerender(request, conversation, **forms):
    context = _detail_context(request, conversation, **forms)
    return render(request, "conversations/detail.html", context, status=400)


@staff_required
@require_POST
def reply(request, pk):
    conversation = selectors.access_conversation(request.user, pk)
    data = request.POST
    if conversation.restricted:
        # The body is the chosen approved template, word for word.
        chosen = assistant.compliance_templates(conversation.language).filter(
            pk=_int(request.POST.get("template"))
        )
        data = request.POST.copy()
        data["body"] = chosen[0].body if chosen else ""
    form = ReplyForm(data, request.FILES)
    if form.is_valid():
        try:
            services.do_reply(
                conversation,
                request.user,
                form.cleaned_data["body"],
                form.cleaned_data["attachments"],
                status=form.cleaned_data["status"] or None,
            )
        except ValidationError as exc:
            add_service_errors(form, exc, default_field="attachments")
        else:
            messages.success(request, _("Reply sent."))
            return _back(conversation)
    return _rerender(request, conversation, reply_form=form)


def _int(text) -> int | None:
    return int(text) if isinstance(text, str) and text.isdigit() and len(text) < 12 else None


@staff_required
@require_POST
def escalate(request, pk):
    conversation = selectors.access_conversation(request.user, pk)
    form = EscalationForm(request.POST)
    if form.is_valid():
        try:
            routing.escalate(
                conversation,
                request.user,
                form.cleaned_data["kind"],
                form.cleaned_data["reason"],
                form.cleaned_data["note"],
            )
        except ValidationError as exc:
            add_service_errors(form, exc, default_field="kind")
        else:
            messages.success(request, _("Escalated."))
            if conversation.pk in selectors.visible_ids(request.user, [conversation.pk]):
                return _back(conversation)
            return redirect("conversations:inbox")  # a compliance case: no longer ours
    return _rerender(request, conversation, escalation_form=form)


@staff_required
@require_POST
def hand_back(request, pk):
    conversation = selectors.access_conversation(request.user, pk)
    try:
        routing.hand_back_escalation(conversation, request.user, request.POST.get("outcome", ""))
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, _("Handed back."))
    return _back(conversation)


@staff_required
@require_POST
def note(request, pk):
    conversation = selectors.access_conversation(request.user, pk)
    form = NoteForm(request.POST)
    if form.is_valid():
        try:
            services.do_add_note(conversation, request.user, form.cleaned_data["body"])
        except ValidationError as exc:
            add_service_errors(form, exc, default_field="body")
        else:
            messages.success(request, _("Note added."))
            return _back(conversation)
    return _rerender(request, conversation, note_form=form)


def _property_action(request, pk, form_class, action):
    conversation = selectors.access_conversation(request.user, pk)
    form = form_class(request.POST)
    if not form.is_valid():
        messages.error(request, _("That value is not allowed."))
        return _back(conversation)
    try:
        action(conversation, form)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, _("Saved."))
    return _back(conversation)


@staff_required
@require_POST
def change_status(request, pk):
    return _property_action(
        request,
        pk,
        StatusForm,
        lambda c, f: services.do_change_status(c, request.user, f.cleaned_data["status"]),
    )


@staff_required
@require_POST
def change_priority(request, pk):
    return _property_action(
        request,
        pk,
        PriorityForm,
        lambda c, f: services.do_change_priority(c, request.user, f.cleaned_data["priority"]),
    )


@staff_required
@require_POST
def set_tags(request, pk):
    return _property_action(
        request,
        pk,
        TagsForm,
        lambda c, f: services.do_set_tags(c, request.user, f.cleaned_names()),
    )


@staff_required
@require_POST
def take(request, pk):
    conversation = selectors.access_conversation(request.user, pk)
    services.do_take(conversation, request.user)
    messages.success(request, _("You are now the assignee."))
    return _back(conversation)


@staff_required
@require_POST
def assign(request, pk):
    conversation = selectors.access_conversation(request.user, pk)
    username = request.POST.get("assignee", "")[:150]
    assignee = selectors.find_assignable(conversation, username) if username else None
    if username and assignee is None:
        messages.error(request, _("This person cannot answer this conversation (role or team)."))
        return _back(conversation)
    try:
        services.do_assign(conversation, request.user, assignee)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, _("Assignment saved."))
    return _back(conversation)


@staff_required
@require_POST
def bulk(request):
    ids = request.POST.getlist("ids")
    conversations = selectors.access_conversations(request.user, ids[:100])
    back = reverse("conversations:inbox") + "?" + request.POST.get("query", "")[:500]
    if not conversations:
        messages.error(request, _("Select at least one conversation."))
        return redirect(back)
    try:
        changed = services.do_bulk(
            request.user,
            conversations,
            request.POST.get("action", ""),
            request.POST.get("value", ""),
        )
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(
            request,
            ngettext("%(count)d conversation updated.", "%(count)d conversations updated.", changed)
            % {"count": changed},
        )
    return redirect(back)


@staff_required
@require_POST
def follow_up(request, pk):
    """A chat that needs more time becomes a ticket. A role that does not answer gets the
    service's PermissionDenied as a 403, as with the other actions."""
    conversation = selectors.access_conversation(request.user, pk)
    try:
        services.do_convert_to_ticket(conversation, request.user)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, _("The chat is now a follow-up ticket."))
    return _back(conversation)


# ---------------------------------------------------------------- live console


def _safe_next(request) -> str:
    """Where to go back to after a header form: a page of this site, else the inbox."""
    for candidate in (request.POST.get("next", ""), request.headers.get("referer", "")):
        if candidate and url_has_allowed_host_and_scheme(
            candidate, allowed_hosts={request.get_host()}, require_https=request.is_secure()
        ):
            return candidate
    return reverse("conversations:inbox")


@staff_required
@require_POST
def set_presence(request):
    """The presence picker without JavaScript (with it, the console socket sets it)."""
    try:
        routing.set_presence(request.user, request.POST.get("status", "")[:20])
    except ValidationError:
        messages.error(request, _("Choose Online, Away or Offline."))
    else:
        messages.success(request, _("Presence saved."))
    return redirect(_safe_next(request))


@staff_required
@require_GET
@never_cache
def live_summary(request):
    """The console's live counters (the inbox badge and the page title)."""
    return JsonResponse(selectors.console_summary(request.user))


@staff_required
def customer_detail(request, pk):
    customer = selectors.access_customer(request.user, pk)
    audit.record(
        request.user, AuditAction.VIEW_CUSTOMER, customer, customer=customer, request=request
    )
    conversations = (
        selectors.visible_conversations(request.user)
        .filter(customer=customer)
        .select_related("assignee")[:50]
    )
    context = {
        "customer": customer_view(customer, request.user),
        "conversations": conversations,
        "identities": messaging_selectors.identities_of(customer),
    }
    return render(request, "conversations/customer.html", context)


@staff_required
def attachment(request, pk):
    item = selectors.access_attachment(request.user, pk)
    conversation = item.conversation
    audit.record(
        request.user,
        AuditAction.VIEW_ATTACHMENT,
        item,
        customer=conversation.customer,
        request=request,
    )
    return files.download_response(item)
