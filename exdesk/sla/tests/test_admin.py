"""Operators edit policies, calendars and breach rules in the admin; open clocks follow."""

import datetime as dt

import pytest
import time_machine

from exdesk import testing
from exdesk.accounts.choices import Role
from exdesk.sla.models import BusinessCalendar, Metric, SlaClock, SlaPolicy

pytestmark = pytest.mark.django_db

START = dt.datetime(2026, 3, 4, 10, 0, tzinfo=dt.UTC)


@pytest.fixture
def admin_client():
    admin = testing.staff("root", role=Role.ADMIN)
    admin.is_staff = admin.is_superuser = True
    admin.save()
    return testing.signed_in(admin)


@pytest.mark.parametrize(
    "path",
    [
        "/admin/sla/slapolicy/",
        "/admin/sla/slapolicy/add/",
        "/admin/sla/businesscalendar/add/",
        "/admin/sla/breachrule/",
    ],
)
def test_the_sla_settings_open_for_admins(admin_client, path):
    assert admin_client.get(path).status_code == 200


def test_a_changed_target_moves_open_deadlines(admin_client, django_capture_on_commit_callbacks):
    with time_machine.travel(START, tick=False):
        conversation = testing.conversation()
        policy = SlaPolicy.objects.get(name="Default")
        data = {
            "name": "Default",
            "priority": "",
            "min_vip_tier": "",
            "channel": "",
            "first_response_minutes": "60",
            "next_response_minutes": "480",
            "resolution_minutes": "4320",
            "calendar": "",
            "warning_fraction": "0.75",
            "pause_statuses": '["pending"]',
            "active": "on",
            "position": "100",
        }
        with django_capture_on_commit_callbacks(execute=True):
            response = admin_client.post(f"/admin/sla/slapolicy/{policy.pk}/change/", data)
        assert response.status_code == 302
    first = SlaClock.objects.get(conversation=conversation, metric=Metric.FIRST_RESPONSE)
    assert first.due_at == START + dt.timedelta(minutes=60)


def test_bad_calendar_and_pause_settings_are_refused_clearly(admin_client):
    response = admin_client.post(
        "/admin/sla/businesscalendar/add/",
        {
            "name": "Office",
            "timezone": "Mars/Olympus",
            "hours": "mon-fri 18:00-09:00",
            "holidays-TOTAL_FORMS": "0",
            "holidays-INITIAL_FORMS": "0",
        },
    )
    assert response.status_code == 200
    text = response.content.decode()
    assert "Unknown time zone." in text and "errorlist" in text
    assert not BusinessCalendar.objects.exists()
    policy = SlaPolicy.objects.get(name="Default")
    response = admin_client.post(
        f"/admin/sla/slapolicy/{policy.pk}/change/",
        {"name": "Default", "warning_fraction": "0.75", "pause_statuses": '["solved"]'},
    )
    assert response.status_code == 200 and "on_hold" in response.content.decode()
