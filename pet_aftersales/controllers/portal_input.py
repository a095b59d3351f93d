"""Checks of what a customer posts on the portal: ids, choices and text.

Every text a portal form accepts has its limit in ``PORTAL_TEXT_LIMITS``
(the forms' ``maxlength`` is read from there too): a longer text is refused,
never cut or stored."""

from werkzeug.exceptions import NotFound

from odoo.http import request

from odoo.addons.pet_aftersales.models.pet_profile import PET_TEXT_LIMITS


class PortalFormError(Exception):
    """A customer's input was refused: the message is shown on the form."""


# Longest text the portal accepts, per form field.
PORTAL_TEXT_LIMITS = {
    "case_name": 256,
    "case_description": 10000,
    "return_description": 5000,
    "recall_illness": 5000,
    **{f"pet_{name}": size for name, size in PET_TEXT_LIMITS.items()},
}


def portal_text(post, key, limit_key, label=None):
    """The stripped text posted in ``key`` ("" when absent).

    :raise PortalFormError: not a string, a NUL or other control character
        (but tab and line breaks), or longer than its limit
    """
    env = request.env
    value = post.get(key)
    if value is None:
        return ""
    if not isinstance(value, str):
        raise PortalFormError(env._("Invalid value."))
    if any(ord(char) < 32 and char not in "\t\r\n" for char in value):
        raise PortalFormError(
            env._("%(field)s contains characters that are not allowed.", field=label)
            if label
            else env._("The form contains characters that are not allowed.")
        )
    value = value.strip()
    limit = PORTAL_TEXT_LIMITS[limit_key]
    if len(value) > limit:
        raise PortalFormError(
            env._(
                "%(field)s is too long: at most %(limit)s characters.",
                field=label or key,
                limit=limit,
            )
        )
    return value


def portal_choice(post, key, default=None, message=None):
    """A posted selection key as a string (``default`` when empty);
    anything but a string is refused with ``message``."""
    value = post.get(key)
    if value is None or value == "":
        return default
    if not isinstance(value, str) or "\0" in value:
        raise PortalFormError(message or request.env._("Invalid value."))
    return value


def portal_number(value):
    """A posted quantity as a float (0 when empty).

    :raise PortalFormError: not a number (a list, an object, text...)
    """
    env = request.env
    if value is None:
        return 0.0
    if isinstance(value, bool) or not isinstance(value, str | int | float):
        raise PortalFormError(env._("Enter quantities as numbers."))
    if isinstance(value, str):
        value = value.strip() or "0"
    try:
        number = float(value)
    except (ValueError, OverflowError) as error:
        raise PortalFormError(env._("Enter quantities as numbers.")) from error
    if number in (float("inf"), float("-inf")):
        raise PortalFormError(env._("Enter quantities as numbers."))
    return number


def portal_id(value):
    """An id posted by a form, or 0; never raises anything but
    PortalFormError on garbage."""
    env = request.env
    if isinstance(value, str):
        value = value.strip()
    if not value:
        return 0
    if isinstance(value, bool) or not isinstance(value, str | int):
        raise PortalFormError(env._("Invalid value."))
    try:
        record_id = int(value)
    except (TypeError, ValueError) as error:
        raise PortalFormError(env._("Invalid value.")) from error
    if record_id <= 0 or record_id > 2**31 - 1:
        raise PortalFormError(env._("Invalid value."))
    return record_id


class AftersalesPortalMixin:
    """What the after-sales portal controllers share: whose records the
    customer sees."""

    def _aftersales_commercial_partner(self):
        return request.env.user.partner_id.commercial_partner_id

    def _aftersales_own_domain(self):
        return [("partner_id", "child_of", self._aftersales_commercial_partner().ids)]

    def _aftersales_case_domain(self):
        return self._aftersales_own_domain()

    def _aftersales_rma_domain(self):
        return self._aftersales_own_domain()

    def _aftersales_pet_domain(self):
        return self._aftersales_own_domain()

    def _aftersales_parse_id(self, value):
        return portal_id(value)

    def _aftersales_document(self, model_name, record_id, access_token=None):
        """The customer's record, or the one the token opens, sudo.

        The token of an archived or cancelled record opens nothing any more
        (404); its owner, logged in, still sees it.

        :raise AccessError, MissingError: as ``_document_check_access``
        :raise NotFound: the token of an archived or cancelled record
        """
        record_sudo = self._document_check_access(model_name, record_id, access_token)
        own = request.env[model_name].browse(record_sudo.id).has_access("read")
        if not own and self._aftersales_is_withdrawn(record_sudo):
            raise NotFound()
        return record_sudo

    def _aftersales_refused(self, back_url=None):
        """Answer to a link the visitor may not open: an anonymous visitor
        logs in and comes back to the page they asked for; a logged-in
        customer lands on /my with the reason."""
        if request.env.user._is_public():
            back_url = back_url or request.httprequest.full_path.rstrip("?")
            return request.redirect_query("/web/login", {"redirect": back_url})
        request.session["aftersales_refused"] = True
        return request.redirect("/my")

    def _aftersales_is_withdrawn(self, record_sudo):
        if "active" in record_sudo._fields and not record_sudo.active:
            return True
        return (
            record_sudo._name == "aftersales.rma" and record_sudo.state == "cancelled"
        )

    def _prepare_portal_layout_values(self):
        values = super()._prepare_portal_layout_values()
        values["aftersales_text_limits"] = PORTAL_TEXT_LIMITS
        return values
