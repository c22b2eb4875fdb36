"""The registry's services and the logged check, on the real database."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from exdesk import testing
from exdesk.accounts.choices import Role
from exdesk.trust import demo, services
from exdesk.trust.choices import ChangeAction, Via
from exdesk.trust.models import OfficialChannel, OfficialChannelChange, VerificationCheck

pytestmark = pytest.mark.django_db


def test_the_demo_registry_is_seeded_once(registry):
    assert OfficialChannel.objects.count() == len(demo.ENTRIES)
    assert demo.seed_demo_channels(registry) == 0
    assert set(OfficialChannel.objects.values_list("kind", "normalized")) >= {
        ("domain", "demoexchange.example"),
        ("email", "support@demoexchange.example"),
        ("telegram", "demoexchange"),
        ("x", "demoexchange"),
        ("phone", "+442079460958"),
    }
    assert OfficialChannelChange.objects.filter(action=ChangeAction.ADDED).count() == len(
        demo.ENTRIES
    )


def test_a_check_is_logged_with_the_value_only_for_lookalikes(registry):
    assert services.check_channel("https://www.demoexchange.example/", via=Via.WEB).verdict == (
        "official"
    )
    assert services.check_channel("someone@example.org", via=Via.API).verdict == "unknown"
    fake = services.check_channel("demoexchange-support.com", via=Via.WEB)
    assert fake.verdict == "lookalike"
    assert services.check_channel("not a thing", via=Via.WEB).verdict == "invalid"
    rows = list(VerificationCheck.objects.order_by("pk").values_list("verdict", "normalized"))
    assert rows == [
        ("official", ""),
        ("unknown", ""),
        ("lookalike", "demoexchange-support.com"),
        ("invalid", ""),
    ]
    logged = VerificationCheck.objects.get(verdict="lookalike")
    assert logged.imitated.normalized == "demoexchange.example"
    assert logged.reasons == ["extra_words"]


@pytest.mark.parametrize("text", ["", "   ", None, "x" * 501])
def test_nothing_or_too_much_is_refused_and_not_logged(registry, text):
    with pytest.raises(ValidationError) as refused:
        services.check_channel(text, via=Via.WEB)
    assert "value" in refused.value.message_dict
    assert not VerificationCheck.objects.exists()


def test_adding_normalises_and_refuses_duplicates_and_bad_values(admin):
    channel = services.add_channel(
        admin, kind="domain", value=" https://WWW.Exdesk-Demo.com/login ", label="Site"
    )
    assert channel.normalized == "exdesk-demo.com" and channel.created_by == admin
    with pytest.raises(ValidationError) as twin:
        services.add_channel(admin, kind="domain", value="exdesk-demo.com.")
    assert "already listed" in twin.value.message_dict["value"][0]
    for kind, value in [
        ("domain", "not a domain"),
        ("email", "@handle"),
        ("phone", "202 555 0143"),
        ("telegram", "https://t.me/+invite"),
        ("domain", "10.0.0.1"),
        ("fax", "+442079460958"),
        ("domain", ""),
    ]:
        with pytest.raises(ValidationError):
            services.add_channel(admin, kind=kind, value=value)
    assert OfficialChannel.objects.count() == 1
    assert OfficialChannelChange.objects.count() == 1


def test_domain_flags_only_apply_to_domains(admin):
    phone = services.add_channel(
        admin, kind="phone", value="+12025550143", any_address_at_domain=True
    )
    assert (phone.covers_subdomains, phone.any_address_at_domain) == (False, False)


def test_update_deactivate_and_reactivate_keep_a_history(admin):
    channel = services.add_channel(admin, kind="x", value="@ExdeskNews", label="News")
    services.update_channel(admin, channel, label="News on X", value="https://x.com/exdesknews")
    channel.refresh_from_db()
    assert channel.label == "News on X" and channel.normalized == "exdesknews"
    assert services.check_channel("@exdesknews", via=Via.WEB).verdict == "official"
    services.deactivate_channel(admin, channel)
    assert services.check_channel("@exdesknews", via=Via.WEB).verdict == "unknown"
    with pytest.raises(ValidationError) as inactive:
        services.add_channel(admin, kind="x", value="@exdesknews")
    assert "reactivate" in inactive.value.message_dict["value"][0]
    services.reactivate_channel(admin, channel)
    assert services.check_channel("@exdesknews", via=Via.WEB).verdict == "official"
    actions = list(channel.changes.order_by("pk").values_list("action", flat=True))
    assert actions == ["added", "changed", "deactivated", "reactivated"]
    change = channel.changes.get(action="changed")
    assert change.before["label"] == "News" and change.after["label"] == "News on X"


def test_a_refused_update_writes_nothing(admin):
    channel = services.add_channel(admin, kind="domain", value="exdesk-demo.com")
    services.add_channel(admin, kind="domain", value="exdesk-two.com")
    with pytest.raises(ValidationError):
        services.update_channel(admin, channel, label="new label", value="exdesk-two.com")
    channel.refresh_from_db()
    assert channel.label == "" and channel.normalized == "exdesk-demo.com"
    assert channel.changes.count() == 1


@pytest.mark.parametrize(
    "role", [Role.AGENT, Role.SENIOR_AGENT, Role.QA_REVIEWER, Role.TRAINER, Role.COMPLIANCE]
)
def test_only_supervisors_and_admins_change_the_registry(role, admin):
    channel = services.add_channel(admin, kind="domain", value="exdesk-demo.com")
    other = testing.staff(f"user-{role}", role)
    with pytest.raises(PermissionDenied):
        services.add_channel(other, kind="domain", value="exdesk-two.com")
    with pytest.raises(PermissionDenied):
        services.update_channel(other, channel, label="x")
    with pytest.raises(PermissionDenied):
        services.deactivate_channel(other, channel)
    supervisor = testing.staff("sup", Role.SUPERVISOR)
    services.deactivate_channel(supervisor, channel)
