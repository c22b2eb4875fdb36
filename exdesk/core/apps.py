from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "exdesk.core"
    label = "core"
    verbose_name = "exdesk core"
