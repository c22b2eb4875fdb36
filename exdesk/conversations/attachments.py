"""Attachment checks: size and type decided from the bytes, before anything is stored."""

from __future__ import annotations

import hashlib
import unicodedata
import uuid
from dataclasses import dataclass

import filetype
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.http import FileResponse
from django.template.defaultfilters import filesizeformat
from django.utils import timezone
from django.utils.translation import gettext as _

# Types a customer may send: screenshots, statements, plain-text logs. SVG and HTML are
# excluded because a browser would run script inside them.
ALLOWED_BINARY_TYPES = {"image/png", "image/jpeg", "image/gif", "image/webp", "application/pdf"}
TEXT_SNIFF_BYTES = 8192


@dataclass(frozen=True)
class CheckedFile:
    name: str
    content_type: str
    data: bytes
    sha256: str

    @property
    def size(self) -> int:
        return len(self.data)


@dataclass(frozen=True)
class StoredFile:
    path: str
    original_name: str
    content_type: str
    size: int
    sha256: str


def sniff_content_type(data: bytes) -> str | None:
    kind = filetype.guess(data[:TEXT_SNIFF_BYTES])
    if kind is not None:
        return kind.mime if kind.mime in ALLOWED_BINARY_TYPES else None
    head = data[:TEXT_SNIFF_BYTES]
    if b"\x00" in head:
        return None
    try:
        head.decode("utf-8")
    except UnicodeDecodeError as exc:
        # A multi-byte character cut at the sniff boundary is still text.
        if exc.start < len(head) - 4:
            return None
    lowered = head.lstrip().lower()
    if lowered.startswith((b"<!doctype", b"<html", b"<svg", b"<?xml", b"<script")):
        return None
    return "text/plain"


def clean_filename(name: str) -> str:
    name = name.replace("\\", "/").rsplit("/", 1)[-1]
    name = "".join(ch for ch in name if unicodedata.category(ch)[0] != "C").strip(" .")
    return name[:200] or "attachment"


def check_files(uploads) -> list[CheckedFile]:
    """Validate uploaded files (Django UploadedFile or (name, bytes) pairs) all at once."""
    uploads = list(uploads)
    if len(uploads) > settings.ATTACHMENT_MAX_FILES:
        raise ValidationError(
            _("Attach at most %(count)d files.") % {"count": settings.ATTACHMENT_MAX_FILES},
            code="too_many",
        )
    checked = []
    limit = settings.ATTACHMENT_MAX_BYTES
    for upload in uploads:
        if isinstance(upload, tuple):
            name, data = upload
        else:
            name = upload.name
            if upload.size > limit:
                raise _too_big(name, limit)
            data = upload.read()
        name = clean_filename(name)
        if len(data) > limit:
            raise _too_big(name, limit)
        if not data:
            raise ValidationError(_("%(name)s is empty.") % {"name": name}, code="empty")
        content_type = sniff_content_type(data)
        if content_type is None:
            raise ValidationError(
                _("%(name)s is not an allowed file type (images, PDF or plain text).")
                % {"name": name},
                code="type",
            )
        checked.append(CheckedFile(name, content_type, data, hashlib.sha256(data).hexdigest()))
    return checked


def _too_big(name: str, limit: int) -> ValidationError:
    return ValidationError(
        _("%(name)s is larger than %(limit)s.") % {"name": name, "limit": filesizeformat(limit)},
        code="too_big",
    )


def store(checked: CheckedFile) -> str:
    """Save the bytes under a random name (never the customer's) and return the path."""
    path = f"attachments/{timezone.now():%Y/%m}/{uuid.uuid4().hex}"
    return default_storage.save(path, ContentFile(checked.data))


def discard(paths: list[str]) -> None:
    for path in paths:
        default_storage.delete(path)


def download_response(attachment) -> FileResponse:
    """An attachment as a download, never rendered by the browser."""
    response = FileResponse(
        attachment.file.open("rb"),
        as_attachment=True,
        filename=attachment.original_name,
        content_type=attachment.content_type,
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    return response
