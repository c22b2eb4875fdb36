from django import forms
from django.utils.translation import gettext_lazy as _

from .models import OfficialChannel


class OfficialChannelForm(forms.ModelForm):
    """The registry entry's fields; the service normalises and checks them."""

    class Meta:
        model = OfficialChannel
        fields = ["kind", "value", "label", "note", "covers_subdomains", "any_address_at_domain"]
        widgets = {"note": forms.Textarea(attrs={"rows": 3})}
        help_texts = {
            "value": _(
                "As customers see it: https://example.com, support@example.com, @name, "
                "https://t.me/name, https://x.com/name or +44 20 7946 0958."
            ),
            "label": _("Shown to customers who check it, for example “Support e-mail”."),
            "note": _("For staff only."),
            "covers_subdomains": _("Domains only: every address under it is ours too."),
            "any_address_at_domain": _(
                "Domains only: off means only the e-mail addresses listed one by one are ours."
            ),
        }
