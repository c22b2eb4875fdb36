"""The official-channel registry in the console (supervisors and administrators).
Thin: parse, call a service, render."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from exdesk.accounts.decorators import require_permission
from exdesk.core.forms import add_service_errors

from . import selectors, services
from .choices import Verdict, manages_official_channels
from .forms import OfficialChannelForm
from .models import OfficialChannel


@require_permission(manages_official_channels)
def registry(request):
    counts = selectors.check_counts(request.user)
    context = {
        "channels": selectors.channels(request.user),
        "lookalikes": selectors.recent_lookalikes(request.user),
        "counts": [(Verdict(code).label, n) for code, n in counts.items()],
        "days": selectors.RECENT_DAYS,
    }
    return render(request, "trust/console/registry.html", context)


def _edit(request, channel: OfficialChannel):
    form = OfficialChannelForm(request.POST or None, instance=channel)
    if request.method == "POST" and form.is_valid():
        values = {name: form.cleaned_data[name] for name in form.Meta.fields}
        try:
            if channel.pk:
                services.update_channel(request.user, channel, **values)
            else:
                services.add_channel(request.user, **values)
        except ValidationError as exc:
            add_service_errors(form, exc, "value")
        else:
            messages.success(request, _("Official channel saved."))
            return redirect("trust_console:registry")
    context = {
        "form": form,
        "channel": channel,
        "history": selectors.history(request.user, channel) if channel.pk else [],
    }
    return render(request, "trust/console/edit.html", context, status=400 if form.errors else 200)


@require_permission(manages_official_channels)
def channel_new(request):
    return _edit(request, OfficialChannel())


@require_permission(manages_official_channels)
def channel_edit(request, pk):
    return _edit(request, selectors.channel(request.user, pk))


@require_permission(manages_official_channels)
@require_POST
def channel_active(request, pk):
    channel = selectors.channel(request.user, pk)
    if request.POST.get("active") == "yes":
        services.reactivate_channel(request.user, channel)
        messages.success(request, _("The channel is official again."))
    else:
        services.deactivate_channel(request.user, channel)
        messages.success(request, _("The channel is no longer listed as official."))
    return redirect("trust_console:registry")
