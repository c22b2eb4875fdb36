from django.contrib import admin
from django.urls import include, path
from django.views.generic import RedirectView
from django_otp.admin import OTPAdminSite

from exdesk.api import api
from exdesk.audit import views as audit_views
from exdesk.community import urls as community_urls
from exdesk.conversations.urls import portal_patterns
from exdesk.helpcenter import public_views as helpcenter_views
from exdesk.helpcenter.urls import console_patterns as kb_console_patterns
from exdesk.helpcenter.urls import public_patterns as helpcenter_patterns
from exdesk.trust import urls as trust_urls

# The admin, like the console, demands the second factor; staff sign in once, at /accounts/.
admin.site.__class__ = OTPAdminSite
admin.site.site_header = "exdesk"

urlpatterns = [
    path("", include(portal_patterns)),
    path("", include("exdesk.telephony.urls_pages")),
    path("help/", include(helpcenter_patterns)),
    path("verify/", include(trust_urls.public_patterns)),
    path("sitemap.xml", helpcenter_views.sitemap, name="sitemap"),
    path("robots.txt", helpcenter_views.robots, name="robots"),
    path("accounts/", include("exdesk.accounts.urls")),
    path("widget/", include("exdesk.chat.urls")),
    path("console/kb/", include(kb_console_patterns)),
    path("console/assistant/", include("exdesk.assistant.urls")),
    path("console/queue/", include("exdesk.routing.urls")),
    path("console/notifications/", include("exdesk.sla.urls")),
    path("console/exchange/", include("exdesk.exchange.urls")),
    path("console/trust/", include(trust_urls.console_patterns)),
    path("console/", include("exdesk.conversations.urls")),
    path("console/channels/", include("exdesk.messaging.console_urls")),
    path("console/training/", include("exdesk.academy.urls")),
    path("assess/", include("exdesk.academy.assessment_urls")),
    path("console/quality/", include("exdesk.quality.urls")),
    path("console/analytics/", include("exdesk.analytics.urls")),
    path("console/incidents/", include("exdesk.incidents.urls")),
    path("console/complaints/", include("exdesk.complaints.urls")),
    path("console/education/", include("exdesk.education.urls")),
    path("feedback/", include("exdesk.quality.feedback_urls")),
    path("status/", include("exdesk.incidents.status_urls")),
    path("learn/", include("exdesk.education.public_urls")),
    path("community/", include(community_urls.public_patterns)),
    path("console/community/", include(community_urls.console_patterns)),
    path("console/audit/", audit_views.audit_log, name="audit_log"),
    path("console/audit/export.csv", audit_views.audit_export, name="audit_export"),
    path(
        "admin/login/",
        RedirectView.as_view(pattern_name="accounts:login", query_string=True),
    ),
    path("admin/", admin.site.urls),
    path("api/v1/", api.urls),
    path("channels/phone/", include("exdesk.telephony.urls")),
    path("channels/", include("exdesk.messaging.urls")),
    path("i18n/", include("django.conf.urls.i18n")),
]
