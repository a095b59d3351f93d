import re

from odoo.http import request
from odoo.tools.mimetypes import guess_mimetype

from .portal_input import PortalFormError

# Evidence customers may upload. Checked on the file's magic bytes, never on
# its name or on the Content-Type the browser claims; HTML, SVG and every
# other type that a browser could execute are refused.
PORTAL_UPLOAD_MIMETYPES = {
    "image/jpeg",
    "image/png",
    "image/webp",
    "image/gif",
    "application/pdf",
}
PORTAL_IMAGE_MIMETYPES = PORTAL_UPLOAD_MIMETYPES - {"application/pdf"}
# At most this many files per form, each at most the company's
# ``aftersales_portal_upload_max_mb`` megabytes.
PORTAL_UPLOAD_MAX_FILES = 10
# Upload limit when the company leaves the setting empty.
PORTAL_UPLOAD_DEFAULT_MB = 10


class AftersalesUploadMixin:
    """Customer uploads (evidence, pet photos) of the portal forms."""

    def _aftersales_upload_limit(self, company):
        return (
            (company.aftersales_portal_upload_max_mb or PORTAL_UPLOAD_DEFAULT_MB)
            * 1024
            * 1024
        )

    def _aftersales_read_uploads(self, field_name, company, allowed=None):
        """Read and check the files posted in ``field_name``.

        :return: list of (file name, raw bytes, mimetype); raises
            PortalFormError if a file is too large or not an accepted type
        """
        allowed = allowed or PORTAL_UPLOAD_MIMETYPES
        files = [f for f in request.httprequest.files.getlist(field_name) if f.filename]
        if len(files) > PORTAL_UPLOAD_MAX_FILES:
            raise PortalFormError(
                request.env._(
                    "Attach at most %(count)s files.", count=PORTAL_UPLOAD_MAX_FILES
                )
            )
        limit = self._aftersales_upload_limit(company)
        uploads = []
        for upload in files:
            raw = upload.read(limit + 1)
            name = re.sub(r"[^\w.\- ]+", "_", upload.filename)[:128] or "upload"
            if len(raw) > limit:
                raise PortalFormError(
                    request.env._(
                        "%(file)s is larger than %(size)s MB.",
                        file=name,
                        size=limit // (1024 * 1024),
                    )
                )
            mimetype = guess_mimetype(raw, default="application/octet-stream")
            if not raw or mimetype not in allowed:
                raise PortalFormError(
                    request.env._(
                        "%(file)s is not an accepted file: attach JPEG, PNG, "
                        "WebP or GIF photos or PDF documents.",
                        file=name,
                    )
                    if allowed == PORTAL_UPLOAD_MIMETYPES
                    else request.env._(
                        "%(file)s is not an accepted photo: use a JPEG, PNG, "
                        "WebP or GIF image.",
                        file=name,
                    )
                )
            uploads.append((name, raw, mimetype))
        return uploads

    def _aftersales_create_attachments(self, uploads):
        """Store checked uploads as pending attachments (like a composer
        upload), each with its own access token, so that the customer (and
        only whoever holds the token) can download them from the portal."""
        if not uploads:
            return request.env["ir.attachment"]
        attachments = (
            request.env["ir.attachment"]
            .sudo()
            .create(
                [
                    {
                        "name": name,
                        "raw": raw,
                        "mimetype": mimetype,
                        "res_model": "mail.compose.message",
                        "res_id": 0,
                    }
                    for name, raw, mimetype in uploads
                ]
            )
        )
        attachments.generate_access_token()
        return attachments

    def _aftersales_attach(self, record_sudo, uploads, partner):
        """Post checked uploads in the chatter of ``record_sudo``: message_post
        moves the pending attachments onto the record."""
        attachments = self._aftersales_create_attachments(uploads)
        if attachments:
            record_sudo.message_post(
                body=request.env._("Evidence sent by the customer."),
                attachment_ids=attachments.ids,
                author_id=partner.id,
                message_type="comment",
                subtype_xmlid="mail.mt_comment",
            )
        return attachments

    def _aftersales_customer_attachments(self, record_sudo):
        """Attachments of the messages the customer can see: not internal
        notes, except what the customer sent themselves (evidence)."""
        messages = record_sudo.message_ids.filtered(
            lambda m: m.message_type in ("comment", "email")
            and (
                not (m.is_internal or m.subtype_id.internal)
                or m.author_id == record_sudo.partner_id
            )
        )
        # Evidence the customer uploaded with the request itself.
        own = (
            request.env["ir.attachment"]
            .sudo()
            .search(
                [
                    ("res_model", "=", record_sudo._name),
                    ("res_id", "=", record_sudo.id),
                    ("create_uid.partner_id", "=", record_sudo.partner_id.id),
                ]
            )
        )
        # Only those with their own token (given at upload, by this portal or
        # the portal chatter) are linked: a GET never writes a token.
        return (messages.attachment_ids | own).filtered("access_token")
