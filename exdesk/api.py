"""The HTTP API under /api/v1/: token auth, one error format, routers from each domain."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied, ValidationError
from ninja import NinjaAPI
from ninja.security import HttpBearer

from exdesk.accounts.models import ApiToken


class ApiTokenAuth(HttpBearer):
    def authenticate(self, request, token: str):
        if not token or len(token) > 100:
            return None
        try:
            row = ApiToken.objects.select_related("user").get(
                key_hash=ApiToken.hash_key(token), revoked=False, user__is_active=True
            )
        except ApiToken.DoesNotExist:
            return None
        request.user = row.user
        return row.user


api = NinjaAPI(
    title="exdesk API",
    version="1",
    description=(
        "Conversations, messages and statuses for integrations. Authenticate with "
        "`Authorization: Bearer <token>`. Send an `Idempotency-Key` header (up to 100 "
        "characters) on POST calls: a retry with the same key returns what the first call "
        "stored instead of storing it twice."
    ),
    auth=ApiTokenAuth(),
    urls_namespace="api",
)


@api.exception_handler(ValidationError)
def service_validation_error(request, exc: ValidationError):
    """Service-level validation becomes the same 422 shape as schema validation."""
    if hasattr(exc, "error_dict"):
        detail = [
            {"loc": ["body", field], "msg": message, "type": "value_error"}
            for field, errors in exc.error_dict.items()
            for error in errors
            for message in error.messages
        ]
    else:
        detail = [{"loc": ["body"], "msg": m, "type": "value_error"} for m in exc.messages]
    return api.create_response(request, {"detail": detail}, status=422)


@api.exception_handler(PermissionDenied)
def permission_denied(request, exc: PermissionDenied):
    return api.create_response(request, {"detail": str(exc) or "Forbidden"}, status=403)


def _register_routers() -> None:
    from exdesk.conversations.api import router as conversations
    from exdesk.routing.api import router as staffing
    from exdesk.trust.api import router as verify

    api.add_router("/conversations", conversations)
    api.add_router("/staffing", staffing)
    api.add_router("/verify", verify)


_register_routers()
