from django.db import models
from django.db.models.functions import Lower
from django.utils.translation import gettext_lazy as _

from exdesk.accounts.choices import Language


class KycLevel(models.IntegerChoices):
    NONE = 0, _("Not verified")
    BASIC = 1, _("Basic")
    VERIFIED = 2, _("Verified")
    ADVANCED = 3, _("Advanced")


class Customer(models.Model):
    """A trader. ``uid`` is the exchange's account id; web-form visitors may have none yet."""

    uid = models.CharField(_("exchange UID"), max_length=64, unique=True, null=True, blank=True)
    display_name = models.CharField(_("display name"), max_length=120, blank=True)
    email = models.EmailField(_("e-mail"), blank=True)
    language = models.CharField(
        _("preferred language"), max_length=10, choices=Language.choices, default=Language.EN
    )
    vip_tier = models.PositiveSmallIntegerField(_("VIP tier"), default=0)
    kyc_level = models.PositiveSmallIntegerField(
        _("KYC level"), choices=KycLevel.choices, default=KycLevel.NONE
    )
    # The customer of a training drill: in no customer list or search.
    simulated = models.BooleanField(default=False)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("customer")
        verbose_name_plural = _("customers")
        indexes = [models.Index(Lower("email"), name="customer_email_lower")]

    def __str__(self) -> str:
        return self.display_name or self.uid or self.email or f"#{self.pk}"
