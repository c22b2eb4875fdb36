"""Two-step staff sign-in. The session holds the half-signed-in user for five minutes."""

from __future__ import annotations

import time

from django.contrib import auth
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_POST
from django_otp import login as otp_login

from exdesk.core.http import client_ip

from . import services
from .forms import CodeStepForm, PasswordStepForm
from .models import User

PENDING_KEY = "exdesk_pending_login"
PENDING_TTL_SECONDS = 300


def _locked_message(lockout: services.Lockout) -> str:
    minutes = max(1, round(lockout.retry_after_seconds / 60))
    return _("Too many failed attempts. Try again in %(minutes)d minutes.") % {"minutes": minutes}


def _next_url(request) -> str:
    target = request.POST.get("next") or request.GET.get("next") or ""
    if url_has_allowed_host_and_scheme(target, {request.get_host()}, request.is_secure()):
        return target
    return ""


def _pending_user(request) -> User | None:
    pending = request.session.get(PENDING_KEY)
    if not pending or time.time() - pending["at"] > PENDING_TTL_SECONDS:
        return None
    return User.objects.filter(pk=pending["user_id"], is_active=True).first()


@never_cache
@sensitive_post_parameters("password")
def login_view(request):
    form = PasswordStepForm(request.POST or None)
    error = ""
    if request.method == "POST" and form.is_valid():
        username = form.cleaned_data["username"]
        lockout = services.check_lockout(username, client_ip(request))
        if lockout.locked:
            error = _locked_message(lockout)
        else:
            user = services.check_password_step(request, username, form.cleaned_data["password"])
            if user is None:
                error = _("Wrong username or password.")
            else:
                request.session.cycle_key()
                request.session[PENDING_KEY] = {
                    "user_id": user.pk,
                    "at": time.time(),
                    "next": _next_url(request),
                }
                if services.confirmed_device(user):
                    return redirect("accounts:verify")
                return redirect("accounts:enroll")
    status = 400 if error or form.errors else 200
    context = {"form": form, "error": error, "next": _next_url(request)}
    return render(request, "accounts/login.html", context, status=status)


def _finish_login(request, user, device):
    next_url = request.session[PENDING_KEY].get("next") or ""
    del request.session[PENDING_KEY]
    auth.login(request, user, backend="django.contrib.auth.backends.ModelBackend")
    otp_login(request, device)
    services.clear_failures(user.username)
    return redirect(next_url or "conversations:inbox")


@never_cache
@sensitive_post_parameters("code")
def verify_view(request):
    user = _pending_user(request)
    if user is None:
        return redirect("accounts:login")
    device = services.confirmed_device(user)
    if device is None:
        return redirect("accounts:enroll")
    form = CodeStepForm(request.POST or None)
    error = ""
    if request.method == "POST" and form.is_valid():
        lockout = services.check_lockout(user.username, client_ip(request))
        if lockout.locked:
            error = _locked_message(lockout)
        elif services.check_totp(request, user, device, form.cleaned_data["code"]):
            return _finish_login(request, user, device)
        else:
            error = _("That code is not valid. Check your device's clock and try the next code.")
    status = 400 if error or form.errors else 200
    return render(request, "accounts/verify.html", {"form": form, "error": error}, status=status)


@never_cache
@sensitive_post_parameters("code")
def enroll_view(request):
    """First sign-in: the second factor is mandatory, so enrolment comes before access."""
    user = _pending_user(request)
    if user is None:
        return redirect("accounts:login")
    if services.confirmed_device(user):
        return redirect("accounts:verify")
    device = services.pending_device(user)
    form = CodeStepForm(request.POST or None)
    error = ""
    if request.method == "POST" and form.is_valid():
        if services.check_totp(request, user, device, form.cleaned_data["code"]):
            services.do_confirm_enrollment(user, device)
            return _finish_login(request, user, device)
        error = _("That code is not valid. Check your device's clock and try the next code.")
    context = {
        "form": form,
        "error": error,
        "qr_code": services.qr_code_data_uri(device),
        "secret": services.totp_secret_base32(device),
    }
    status = 400 if error or form.errors else 200
    return render(request, "accounts/enroll.html", context, status=status)


@require_POST
def logout_view(request):
    auth.logout(request)
    return redirect("accounts:login")
