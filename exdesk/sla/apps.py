from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SlaConfig(AppConfig):
    name = "exdesk.sla"
    label = "sla"
    verbose_name = _("Service levels")

    def ready(self) -> None:
        from django.db.models.signals import post_delete, post_save

        from .models import BusinessCalendar, Holiday, SlaPolicy
        from .services import policies_changed_now

        for model in (SlaPolicy, BusinessCalendar, Holiday):
            name = model.__name__
            post_save.connect(policies_changed_now, sender=model, dispatch_uid=f"sla-{name}")
            post_delete.connect(policies_changed_now, sender=model, dispatch_uid=f"sla-d-{name}")
