"""Approved replies for compliance cases: neutral wording that tells the customer
nothing about a review, report or investigation (no tipping-off). Compliance officers
add and change them in the console."""

from django.db import migrations

TEMPLATES = [
    (
        "en",
        "Compliance: handled by a specialist team",
        "Thank you for your patience. Your request is being handled by a specialist team, "
        "and we will update you here as soon as we can. There is nothing more you need to "
        "do for now.",
    ),
    (
        "en",
        "Compliance: documents for standard checks",
        "To complete the standard checks on your account, please upload the documents "
        "listed on the Verification page of your account. We will update you here once "
        "they have been reviewed.",
    ),
    (
        "en",
        "Compliance: functions unavailable",
        "Some functions of your account are unavailable at the moment. Our team is "
        "working on your case and will contact you here with an update. We are unable to "
        "share further details at this time.",
    ),
    (
        "zh-hans",
        "合规：由专门团队处理",
        "感谢您的耐心等待。您的请求正在由专门团队处理，我们会尽快在这里向您更新进展。目前您无需再做任何操作。",
    ),
    (
        "zh-hans",
        "合规：常规核查所需文件",
        "为完成对您账户的常规核查，请在账户的“身份认证”页面上传所列文件。文件审核完成后，我们会在这里通知您。",
    ),
    (
        "zh-hans",
        "合规：部分功能暂不可用",
        "您账户的部分功能目前暂不可用。我们的团队正在处理您的问题，有进展时会在这里联系您。目前我们无法提供更多细节。",
    ),
]


def create(apps, schema_editor):
    CannedResponse = apps.get_model("assistant", "CannedResponse")
    for language, title, body in TEMPLATES:
        CannedResponse.objects.get_or_create(
            language=language,
            title=title,
            defaults={"body": body, "compliance_approved": True},
        )


def remove(apps, schema_editor):
    CannedResponse = apps.get_model("assistant", "CannedResponse")
    titles = [title for _language, title, _body in TEMPLATES]
    CannedResponse.objects.filter(title__in=titles, compliance_approved=True).delete()


class Migration(migrations.Migration):
    dependencies = [("assistant", "0003_cannedresponse_compliance_approved")]
    operations = [migrations.RunPython(create, remove)]
