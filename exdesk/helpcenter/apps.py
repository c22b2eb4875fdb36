from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class HelpCenterConfig(AppConfig):
    name = "exdesk.helpcenter"
    label = "helpcenter"
    verbose_name = _("Help center")

    def ready(self):
        from django.db.models.signals import post_migrate

        from . import search

        post_migrate.connect(search.drop_orphans, sender=self)
