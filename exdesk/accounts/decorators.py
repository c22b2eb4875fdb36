"""Every console page requires a signed-in staff member who passed the second factor."""

from __future__ import annotations

from functools import wraps

from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied


def staff_required(view):
    @wraps(view)
    def wrapper(request, *args, **kwargs):
        user = request.user
        if not user.is_authenticated or not user.is_verified():
            return redirect_to_login(request.get_full_path())
        if not user.is_active:
            raise PermissionDenied
        return view(request, *args, **kwargs)

    return wrapper


def require_permission(predicate):
    """Refuse with 403 unless ``predicate(user)`` holds (after staff_required)."""

    def decorator(view):
        @wraps(view)
        def wrapper(request, *args, **kwargs):
            if not predicate(request.user):
                raise PermissionDenied
            return view(request, *args, **kwargs)

        return staff_required(wrapper)

    return decorator
