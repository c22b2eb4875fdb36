from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SlaConfig(AppConfig):
    name = "exdesk.sla"
    label = "sla"
    verbose_name = _("Service levels")

    def ready(self) -> None:
        from django.db.models.signals import post_delete, post_save

        from .models import BusinessCalendar, Holiday, SlaPolicy
        from .services import forget_policies

        for model in (SlaPolicy, BusinessCalendar, Holiday):
            post_save.connect(forget_policies, sender=model, dispatch_uid=f"sla-{model.__name__}")
            post_delete.connect(
                forget_policies, sender=model, dispatch_uid=f"sla-d-{model.__name__}"
            )
