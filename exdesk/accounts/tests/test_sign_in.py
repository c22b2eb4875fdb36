import pytest
from django.urls import reverse
from django_otp.plugins.otp_totp.models import TOTPDevice

from exdesk import testing
from exdesk.accounts.models import LoginFailure

pytestmark = pytest.mark.django_db


def password_step(client, username, password=testing.PASSWORD):
    return client.post(reverse("accounts:login"), {"username": username, "password": password})


def test_password_then_totp_signs_in(client):
    alice = testing.staff("alice")
    response = password_step(client, "alice")
    assert response.status_code == 302
    assert response.url == reverse("accounts:verify")
    # Half signed in: the console is still closed.
    assert client.get(reverse("conversations:inbox")).status_code == 302
    response = client.post(reverse("accounts:verify"), {"code": testing.current_code(alice)})
    assert response.status_code == 302
    assert client.get(reverse("conversations:inbox")).status_code == 200


def test_wrong_password_is_refused_and_recorded(client):
    testing.staff("alice")
    response = password_step(client, "alice", "wrong password!")
    assert response.status_code == 400
    assert "Wrong username or password" in response.content.decode()
    assert LoginFailure.objects.filter(username="alice", stage="password").count() == 1
    assert client.get(reverse("accounts:verify")).url == reverse("accounts:login")


def test_wrong_totp_is_refused(client):
    alice = testing.staff("alice")
    password_step(client, "alice")
    good = testing.current_code(alice)
    wrong = f"{(int(good) + 1) % 1_000_000:06d}"
    response = client.post(reverse("accounts:verify"), {"code": wrong})
    assert response.status_code == 400
    assert "not valid" in response.content.decode()
    assert "_auth_user_id" not in client.session
    assert client.get(reverse("conversations:inbox")).status_code == 302
    assert LoginFailure.objects.filter(username="alice", stage="otp").count() == 1


def test_malformed_totp_is_a_form_error(client):
    testing.staff("alice")
    password_step(client, "alice")
    response = client.post(reverse("accounts:verify"), {"code": "12ab"})
    assert response.status_code == 400
    assert "Enter the 6 digits" in response.content.decode()


def test_lockout_after_repeated_failures_even_with_the_right_password(client, settings):
    settings.LOGIN_MAX_FAILURES = 3
    testing.staff("alice")
    for _ in range(3):
        assert password_step(client, "alice", "nope nope nope").status_code == 400
    response = password_step(client, "alice")
    assert response.status_code == 400
    assert "Too many failed attempts" in response.content.decode()
    assert "exdesk_pending_login" not in client.session


def test_lockout_expires(client, settings):
    settings.LOGIN_MAX_FAILURES = 2
    settings.LOGIN_LOCKOUT_SECONDS = 60
    testing.staff("alice")
    password_step(client, "alice", "bad bad bad bad")
    password_step(client, "alice", "bad bad bad bad")
    assert "Too many" in password_step(client, "alice").content.decode()
    settings.LOGIN_LOCKOUT_SECONDS = 0
    assert password_step(client, "alice").status_code == 302


def test_staff_without_a_device_must_enrol_before_entering(client):
    from exdesk.accounts.models import User

    User.objects.create_user("newbie", password=testing.PASSWORD)
    response = password_step(client, "newbie")
    assert response.url == reverse("accounts:enroll")
    page = client.get(reverse("accounts:enroll"))
    assert page.status_code == 200
    assert b"data:image/svg+xml" in page.content
    device = TOTPDevice.objects.get(user__username="newbie", confirmed=False)
    assert client.get(reverse("conversations:inbox")).status_code == 302
    response = client.post(reverse("accounts:enroll"), {"code": testing.device_code(device)})
    assert response.status_code == 302
    device.refresh_from_db()
    assert device.confirmed
    assert client.get(reverse("conversations:inbox")).status_code == 200


def test_password_alone_never_opens_the_console(client):
    alice = testing.staff("alice")
    client.force_login(alice)  # a session without the second factor
    response = client.get(reverse("conversations:inbox"))
    assert response.status_code == 302
    assert response.url.startswith(reverse("accounts:login"))


def test_admin_requires_the_second_factor(client):
    from exdesk.accounts.choices import Role

    admin = testing.staff("root", role=Role.ADMIN)
    admin.is_staff = admin.is_superuser = True
    admin.save()
    client.force_login(admin)
    assert client.get("/admin/").status_code == 302
    assert testing.signed_in(admin).get("/admin/").status_code == 200


def test_sessions_expire(settings):
    assert settings.SESSION_COOKIE_AGE <= 8 * 3600
    assert settings.SESSION_EXPIRE_AT_BROWSER_CLOSE


def test_logout(client):
    alice = testing.staff("alice")
    client = testing.signed_in(alice)
    client.post(reverse("accounts:logout"))
    assert client.get(reverse("conversations:inbox")).status_code == 302


@pytest.mark.parametrize(
    "path",
    [
        "/admin/",
        "/admin/accounts/user/",
        "/admin/accounts/user/add/",
        "/admin/accounts/team/",
        "/admin/accounts/skill/add/",
        "/admin/conversations/category/",
        "/admin/customers/customer/",
        "/admin/accounts/apitoken/",
    ],
)
def test_admin_configuration_pages_open_for_admins(path):
    from exdesk.accounts.choices import Role

    admin = testing.staff("root", role=Role.ADMIN)
    admin.is_staff = admin.is_superuser = True
    admin.save()
    testing.category("deposit")
    assert testing.signed_in(admin).get(path).status_code == 200
    # An agent is not staff in Django's sense: the admin stays closed.
    agent = testing.staff("agent")
    assert testing.signed_in(agent).get(path).status_code == 302


def test_admin_edits_staff_languages_as_choices():
    from exdesk.accounts.choices import Role

    admin = testing.staff("root", role=Role.ADMIN)
    admin.is_staff = admin.is_superuser = True
    admin.save()
    agent = testing.staff("agent")
    client = testing.signed_in(admin)
    url = f"/admin/accounts/user/{agent.pk}/change/"
    assert 'type="checkbox" name="languages" value="zh-hans"' in client.get(url).content.decode()
    response = client.post(
        url,
        {
            "username": "agent",
            "role": "agent",
            "languages": ["en", "zh-hans"],
            "max_chats": "5",
            "max_tickets": "30",
            "teams": [t.pk for t in agent.teams.all()],
            "is_active": "on",
            "date_joined_0": "2026-01-01",
            "date_joined_1": "00:00:00",
        },
    )
    assert response.status_code == 302, response.context["adminform"].form.errors
    agent.refresh_from_db()
    assert agent.languages == ["en", "zh-hans"]
    assert (agent.max_chats, agent.max_tickets) == (5, 30)
