"""Callback requests: the public form, the console's list and outcome, the overdue sweep."""

import datetime as dt
import re
from zoneinfo import ZoneInfo

import pytest
from django.test import Client
from django.utils import timezone

from exdesk import testing
from exdesk.accounts.choices import Role
from exdesk.conversations.choices import Channel, EventKind, Status
from exdesk.conversations.models import Conversation
from exdesk.customers.models import Customer
from exdesk.messaging.models import ChannelIdentity, Platform
from exdesk.sla.models import StaffNotification
from exdesk.telephony import services, tasks, views
from exdesk.telephony.models import CallbackRequest

pytestmark = pytest.mark.django_db

FORM_EN = "/help/en/callback/"
FORM_ZH = "/help/zh-hans/callback/"
LIST = "/console/phone/callbacks/"


def local(moment: dt.datetime, zone: str) -> str:
    """What a datetime-local input sends for ``moment`` on a clock in ``zone``."""
    return moment.astimezone(ZoneInfo(zone)).strftime("%Y-%m-%dT%H:%M")


def form_data(**fields) -> dict[str, str]:
    start = timezone.now().replace(second=0, microsecond=0) + dt.timedelta(days=1)
    data = {
        "country": "",
        "phone": "+44 20 7946 0958",
        "name": "Alice Trader",
        "language": "en",
        "topic": "Withdrawal stuck",
        "time_zone": "Europe/London",
        "window_start": local(start, "Europe/London"),
        "window_end": local(start + dt.timedelta(hours=2), "Europe/London"),
    }
    data.update(fields)
    return data


def errors_of(response, field: str) -> str:
    """The error list Django ties to ``field`` (the input names it in aria-describedby)."""
    html = response.content.decode()
    assert re.search(rf'aria-describedby="[^"]*id_{field}_error', html), field
    found = re.search(rf'<ul class="errorlist" id="id_{field}_error">(.*?)</ul>', html, re.S)
    assert found, field
    return found.group(1)


def callback(**fields) -> CallbackRequest:
    values = {"phone": "+8613800138000", "name": "Wang", "language": "zh-hans", "topic": "2FA"}
    values.update(fields)
    return services.request_callback(**values)


# ---------------------------------------------------------------- the public form


def test_the_form_has_a_label_for_every_field_and_a_csrf_token(client):
    response = client.get(FORM_EN)
    assert response.status_code == 200
    html = response.content.decode()
    assert 'name="csrfmiddlewaretoken"' in html
    for field in ("country", "phone", "name", "language", "topic", "time_zone"):
        assert f'<label for="id_{field}"' in html, field
    for field in ("window_start", "window_end"):
        assert f'<label for="id_{field}"' in html, field
        assert f'type="datetime-local" name="{field}"' in html
    assert 'type="tel"' in html


def test_a_valid_request_becomes_a_callback_and_a_conversation(client):
    start = timezone.now().replace(second=0, microsecond=0) + dt.timedelta(days=2)
    end = start + dt.timedelta(hours=3)
    response = client.post(
        FORM_EN,
        form_data(
            window_start=local(start, "Europe/London"), window_end=local(end, "Europe/London")
        ),
    )
    requested = CallbackRequest.objects.get()
    conversation = requested.conversation
    assert response.status_code == 302
    assert response["Location"] == f"/support/t/{conversation.tracking_token}/"
    assert (requested.phone, requested.name, requested.language) == (
        "+442079460958",
        "Alice Trader",
        "en",
    )
    assert (requested.window_start, requested.window_end) == (start, end)
    assert requested.due_at == end
    assert requested.state == "requested"
    assert conversation.channel == Channel.PHONE
    assert conversation.subject == "Callback request: Withdrawal stuck"
    assert conversation.status == Status.NEW
    first = conversation.events.order_by("seq").first()
    assert first.kind == EventKind.CUSTOMER_MESSAGE
    assert "+442079460958" in first.body
    assert local(start, "Europe/London").replace("T", " ") in first.body
    assert "(Europe/London)" in first.body
    # Routing and SLA apply as to any conversation.
    assert conversation.sla_clocks.exists()


def test_without_a_window_the_call_is_due_within_the_callback_target(client, settings):
    settings.CALLBACK_SLA_MINUTES = 45
    before = timezone.now()
    response = client.post(FORM_EN, form_data(window_start="", window_end=""))
    assert response.status_code == 302
    requested = CallbackRequest.objects.get()
    assert requested.window_start is None
    expected = before + dt.timedelta(minutes=45)
    assert expected <= requested.due_at <= expected + dt.timedelta(seconds=30)
    assert "as soon as possible" in requested.conversation.events.first().body


def test_a_national_number_is_read_with_the_chosen_country(client):
    response = client.post(FORM_EN, form_data(country="GB", phone="020 7946 0958"))
    assert response.status_code == 302
    assert CallbackRequest.objects.get().phone == "+442079460958"


@pytest.mark.parametrize("phone", ["12345", "+44 20", "call me", "020 7946 0958"])
def test_an_invalid_phone_number_is_refused_on_its_field(client, phone):
    response = client.post(FORM_EN, form_data(phone=phone))
    assert response.status_code == 400
    assert "number" in errors_of(response, "phone")
    assert not CallbackRequest.objects.exists()
    assert not Conversation.objects.exists()


def test_a_window_ending_before_it_starts_is_refused(client):
    start = timezone.now() + dt.timedelta(days=1)
    response = client.post(
        FORM_EN,
        form_data(
            window_start=local(start, "Europe/London"),
            window_end=local(start - dt.timedelta(hours=1), "Europe/London"),
        ),
    )
    assert response.status_code == 400
    assert "later than the start" in errors_of(response, "window_end")
    assert not CallbackRequest.objects.exists()


@pytest.mark.parametrize(
    ("start_days", "end_days", "field", "message"),
    [
        (15, 15.1, "window_end", "14 days"),
        (-2, 1, "window_start", "in the past"),
        (1, None, "window_end", "both"),
    ],
)
def test_a_window_must_be_whole_and_within_the_next_14_days(
    client, start_days, end_days, field, message
):
    now = timezone.now()
    start = local(now + dt.timedelta(days=start_days), "UTC")
    end = local(now + dt.timedelta(days=end_days), "UTC") if end_days is not None else ""
    response = client.post(FORM_EN, form_data(time_zone="UTC", window_start=start, window_end=end))
    assert response.status_code == 400
    assert message in errors_of(response, field)
    assert not CallbackRequest.objects.exists()


def test_the_form_refuses_a_flood_from_one_address(client, monkeypatch):
    monkeypatch.setattr(views, "CALLBACKS_PER_HOUR", 2)
    assert client.post(FORM_EN, form_data()).status_code == 302
    assert client.post(FORM_EN, form_data()).status_code == 302
    response = client.post(FORM_EN, form_data())
    assert response.status_code == 429
    assert "Too many submissions" in response.content.decode()
    assert CallbackRequest.objects.count() == 2
    # Reading the form is not limited.
    assert client.get(FORM_EN).status_code == 200


def test_the_form_is_csrf_protected():
    client = Client(enforce_csrf_checks=True)
    assert client.post(FORM_EN, form_data()).status_code == 403
    assert not CallbackRequest.objects.exists()


def test_the_form_works_in_chinese(client):
    page = client.get(FORM_ZH)
    assert page.status_code == 200
    assert page["Content-Language"] == "zh-hans"
    html = page.content.decode()
    assert '<html lang="zh-Hans">' in html
    assert 'value="Asia/Shanghai" selected' in html
    assert 'href="/help/en/callback/"' in html  # the other language
    assert "中国 (+86)" in html  # countries named in the page's language
    start = timezone.now().replace(second=0, microsecond=0) + dt.timedelta(hours=5)
    response = client.post(
        FORM_ZH,
        form_data(
            phone="138 0013 8000",
            country="CN",
            name="王先生",
            language="zh-hans",
            topic="提币一直在审核中",
            time_zone="Asia/Shanghai",
            window_start=local(start, "Asia/Shanghai"),
            window_end=local(start + dt.timedelta(hours=1), "Asia/Shanghai"),
        ),
    )
    assert response.status_code == 302
    requested = CallbackRequest.objects.get()
    assert (requested.phone, requested.language) == ("+8613800138000", "zh-hans")
    assert requested.conversation.language == "zh-hans"
    assert "提币一直在审核中" in requested.conversation.subject


def test_an_unknown_language_is_not_found(client):
    assert client.get("/help/fr/callback/").status_code == 404


def test_a_callback_never_joins_a_verified_customer_by_its_number():
    trader = testing.customer()
    ChannelIdentity.objects.create(
        platform=Platform.PHONE,
        external_id="+8613800138000",
        customer=trader,
        verified=True,
    )
    requested = callback()
    assert requested.conversation.customer != trader
    assert Customer.objects.count() == 2


def test_secrets_in_the_topic_are_not_stored():
    requested = callback(topic="my 2FA code is 123456")
    assert "123456" not in requested.topic
    assert "123456" not in requested.conversation.subject


# ---------------------------------------------------------------- the console


def test_an_agent_logs_a_completed_callback_and_the_conversation_is_solved():
    agent = testing.staff("li")
    requested = callback()
    client = testing.signed_in(agent)
    response = client.post(
        f"/console/phone/callbacks/{requested.pk}/outcome/",
        {"state": "done", "note": "Reset 2FA with the security team."},
    )
    assert response.status_code == 302
    requested.refresh_from_db()
    assert (requested.state, requested.agent, requested.outcome_note) == (
        "done",
        agent,
        "Reset 2FA with the security team.",
    )
    conversation = requested.conversation
    conversation.refresh_from_db()
    assert conversation.status == Status.SOLVED
    note = conversation.events.filter(kind=EventKind.INTERNAL_NOTE).get()
    assert note.author_user == agent
    assert note.body == "Callback outcome: Done.\n\nReset 2FA with the security team."
    # Done is done: a second outcome is refused and adds nothing.
    client.post(f"/console/phone/callbacks/{requested.pk}/outcome/", {"state": "cancelled"})
    requested.refresh_from_db()
    assert requested.state == "done"
    assert conversation.events.filter(kind=EventKind.INTERNAL_NOTE).count() == 1


def test_no_answer_keeps_the_callback_open_for_another_try():
    agent = testing.staff("li")
    requested = callback()
    client = testing.signed_in(agent)
    client.post(f"/console/phone/callbacks/{requested.pk}/outcome/", {"state": "no_answer"})
    requested.refresh_from_db()
    assert requested.state == "no_answer"
    assert requested.conversation.status == Status.NEW
    page = client.get(LIST)
    assert requested.phone in page.content.decode()
    client.post(f"/console/phone/callbacks/{requested.pk}/outcome/", {"state": "done"})
    requested.refresh_from_db()
    assert requested.state == "done"
    assert requested.phone not in client.get(LIST).content.decode()


def test_an_unknown_outcome_is_refused():
    agent = testing.staff("li")
    requested = callback()
    response = testing.signed_in(agent).post(
        f"/console/phone/callbacks/{requested.pk}/outcome/", {"state": "requested"}, follow=True
    )
    assert response.status_code == 200
    requested.refresh_from_db()
    assert requested.state == "requested"
    assert not requested.conversation.events.filter(kind=EventKind.INTERNAL_NOTE).exists()


def test_an_agent_who_may_not_see_the_conversation_gets_a_404():
    outsider = testing.staff("outsider", teams=("general",))
    requested = callback()
    Conversation.objects.filter(pk=requested.conversation.pk).update(team=testing.team("vip"))
    client = testing.signed_in(outsider)
    response = client.post(f"/console/phone/callbacks/{requested.pk}/outcome/", {"state": "done"})
    assert response.status_code == 404
    assert "+8613800138000" not in client.get(LIST).content.decode()
    requested.refresh_from_db()
    assert requested.state == "requested"


def test_a_role_that_does_not_answer_customers_gets_a_403():
    reviewer = testing.staff("qa", role=Role.QA_REVIEWER)
    requested = callback()
    response = testing.signed_in(reviewer).post(
        f"/console/phone/callbacks/{requested.pk}/outcome/", {"state": "done"}
    )
    assert response.status_code == 403
    requested.refresh_from_db()
    assert requested.state == "requested"


def test_the_console_pages_need_a_signed_in_staff_member(client):
    requested = callback()
    assert client.get(LIST).status_code == 302
    response = client.post(f"/console/phone/callbacks/{requested.pk}/outcome/", {"state": "done"})
    assert response.status_code == 302
    assert "/accounts/" in response["Location"]
    agent = testing.signed_in(testing.staff("li"))
    assert agent.get(f"/console/phone/callbacks/{requested.pk}/outcome/").status_code == 405


def test_the_list_orders_by_due_time_and_says_which_are_overdue():
    agent = testing.staff("li")
    now = timezone.now()
    later = callback(phone="+8613912345678", name="Later")
    late = callback(phone="+8613800138000", name="Late")
    CallbackRequest.objects.filter(pk=late.pk).update(due_at=now - dt.timedelta(minutes=5))
    CallbackRequest.objects.filter(pk=later.pk).update(due_at=now + dt.timedelta(hours=1))
    done = callback(phone="+61491570156", name="Done")
    CallbackRequest.objects.filter(pk=done.pk).update(state="done")
    html = testing.signed_in(agent).get(LIST).content.decode()
    assert html.index("Late") < html.index("Later")
    assert html.count(">Overdue<") == 1
    overdue_card = html[html.index("Late</h2>") - 300 : html.index("Later</h2>")]
    assert "Overdue" in overdue_card
    assert "+61491570156" not in html


def test_staff_without_access_to_personal_data_see_masked_numbers():
    reviewer = testing.staff("qa", role=Role.QA_REVIEWER)
    callback()
    html = testing.signed_in(reviewer).get(LIST).content.decode()
    assert "+8613800138000" not in html
    assert "+86 ***00" in html
    assert "Log outcome" not in html  # they cannot answer customers


# ---------------------------------------------------------------- overdue


def test_an_overdue_callback_is_flagged_once():
    supervisor = testing.staff("boss", role=Role.SUPERVISOR)
    now = timezone.now()
    requested = callback(now=now)
    on_time = callback(phone="+8613912345678", now=now)
    CallbackRequest.objects.filter(pk=on_time.pk).update(due_at=now + dt.timedelta(days=1))
    CallbackRequest.objects.filter(pk=requested.pk).update(due_at=now - dt.timedelta(minutes=1))
    tasks.flag_overdue_callbacks.call_local()
    tasks.flag_overdue_callbacks.call_local()
    assert services.flag_overdue_callbacks() == 0
    requested.refresh_from_db()
    assert requested.overdue_flagged_at is not None
    conversation = requested.conversation
    breach = conversation.events.filter(kind=EventKind.SLA_BREACH).get()
    assert breach.data == {"metric": "callback", "by": "sla"}
    note = conversation.events.filter(kind=EventKind.INTERNAL_NOTE).get()
    assert "+8613800138000" in note.body and "has not been made" in note.body
    notice = StaffNotification.objects.get()
    assert (notice.user, notice.conversation, notice.kind) == (
        supervisor,
        conversation,
        "sla_breach",
    )
    on_time.refresh_from_db()
    assert on_time.overdue_flagged_at is None
    assert not on_time.conversation.events.filter(kind=EventKind.SLA_BREACH).exists()


def test_a_callback_already_made_is_not_flagged():
    agent = testing.staff("li")
    requested = callback()
    services.log_callback_outcome(requested, agent, "no_answer")
    CallbackRequest.objects.filter(pk=requested.pk).update(
        due_at=timezone.now() - dt.timedelta(minutes=1)
    )
    assert services.flag_overdue_callbacks() == 0
