import secrets

from django.db import models

from exdesk.conversations.models import Conversation


def new_upload_key() -> str:
    return secrets.token_urlsafe(18)


class ChatUpload(models.Model):
    """A file the customer uploaded over HTTP and has not yet sent in a message. It is
    already checked and stored (conversations.attachments); sending turns it into an
    attachment of the message, once."""

    key = models.CharField(max_length=32, unique=True, default=new_upload_key)
    conversation = models.ForeignKey(Conversation, on_delete=models.CASCADE, related_name="+")
    path = models.CharField(max_length=255)
    original_name = models.CharField(max_length=200)
    content_type = models.CharField(max_length=100)
    size = models.PositiveIntegerField()
    sha256 = models.CharField(max_length=64)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)

    def __str__(self) -> str:
        return self.original_name
