import base64

from odoo import fields, http
from odoo.exceptions import AccessError, MissingError, UserError, ValidationError
from odoo.http import request
from odoo.osv import expression

from odoo.addons.portal.controllers.portal import CustomerPortal
from odoo.addons.portal.controllers.portal import pager as portal_pager

from .portal_input import (
    AftersalesPortalMixin,
    PortalFormError,
    portal_choice,
    portal_text,
)
from .portal_upload import PORTAL_IMAGE_MIMETYPES, AftersalesUploadMixin


class AftersalesPetPortal(AftersalesPortalMixin, AftersalesUploadMixin, CustomerPortal):
    # ------------------------------------------------------------
    # HOME COUNTER
    # ------------------------------------------------------------

    def _prepare_home_portal_values(self, counters):
        values = super()._prepare_home_portal_values(counters)
        if "pet_count" in counters:
            Pet = request.env["pet.profile"]
            values["pet_count"] = (
                Pet.search_count(self._aftersales_pet_domain())
                if Pet.has_access("read")
                else 0
            )
        return values

    # ------------------------------------------------------------
    # PETS
    # ------------------------------------------------------------

    def _aftersales_pet_check(self, pet_id, mode="read"):
        """The customer's own pet (archived included), as the user."""
        pet = (
            request.env["pet.profile"]
            .with_context(active_test=False)
            .search(
                expression.AND([self._aftersales_pet_domain(), [("id", "=", pet_id)]])
            )
        )
        if not pet:
            raise MissingError(request.env._("This pet does not exist."))
        pet.check_access(mode)
        return pet

    @http.route(
        ["/my/pets", "/my/pets/page/<int:page>"],
        type="http",
        auth="user",
        website=True,
        methods=["GET"],
    )
    def portal_my_pets(self, page=1, filterby=None, **kw):
        values = self._prepare_portal_layout_values()
        Pet = request.env["pet.profile"].with_context(active_test=False)
        filters = {
            "active": {
                "label": request.env._("My Pets"),
                "domain": [("active", "=", True)],
            },
            "archived": {
                "label": request.env._("Archived"),
                "domain": [("active", "=", False)],
            },
        }
        filterby = filterby if filterby in filters else "active"
        domain = expression.AND(
            [self._aftersales_pet_domain(), filters[filterby]["domain"]]
        )
        count = Pet.search_count(domain) if Pet.has_access("read") else 0
        pager = portal_pager(
            url="/my/pets",
            url_args={"filterby": filterby},
            total=count,
            page=page,
            step=self._items_per_page,
        )
        pets = (
            Pet.search(domain, limit=self._items_per_page, offset=pager["offset"])
            if count
            else Pet
        )
        values.update(
            {
                "pets": pets,
                "page_name": "pet_profile",
                "default_url": "/my/pets",
                "pager": pager,
                "searchbar_filters": filters,
                "filterby": filterby,
            }
        )
        return request.render("pet_aftersales.portal_my_pets", values)

    def _aftersales_pet_render_form(self, pet=None, post=None, error=None):
        env = request.env
        values = self._prepare_portal_layout_values()
        Pet = env["pet.profile"]
        form = post
        if form is None:
            form = (
                {
                    key: pet[key] or ""
                    for key in (
                        "name",
                        "species",
                        "sex",
                        "breed",
                        "birthdate",
                        "weight_kg",
                        "neutered",
                        "allergies",
                        "diet_notes",
                        "health_notes",
                        "deceased_date",
                    )
                }
                if pet
                else {}
            )
        values.update(
            {
                "page_name": "pet_profile_form",
                "pet": pet or Pet,
                "form": form,
                "error": error,
                "species": Pet._fields["species"]._description_selection(env),
                "sexes": Pet._fields["sex"]._description_selection(env),
                "upload_max_mb": self._aftersales_upload_limit(env.company)
                // (1024 * 1024),
            }
        )
        return request.render(
            "pet_aftersales.portal_pet_form", values, status=400 if error else 200
        )

    def _aftersales_pet_prepare_vals(self, post):
        """Whitelisted pet values; the owner is never read from the form."""
        env = request.env
        Pet = env["pet.profile"]
        name = portal_text(post, "name", "pet_name", env._("The name"))
        if not name:
            raise PortalFormError(env._("Give your pet's name."))
        species = portal_choice(post, "species", "other")
        if species not in dict(Pet._fields["species"]._description_selection(env)):
            raise PortalFormError(env._("Choose a species."))
        sex = portal_choice(post, "sex", "unknown")
        if sex not in dict(Pet._fields["sex"]._description_selection(env)):
            raise PortalFormError(env._("Choose a sex."))
        dates = {}
        for key in ("birthdate", "deceased_date"):
            value = portal_choice(post, key, "").strip()
            try:
                dates[key] = fields.Date.to_date(value) if value else False
            except ValueError as error:
                raise PortalFormError(env._("Enter dates as YYYY-MM-DD.")) from error
        weight = portal_choice(post, "weight_kg", "").strip().replace(",", ".")
        try:
            weight = float(weight) if weight else 0.0
        except ValueError as error:
            raise PortalFormError(env._("Enter the weight as a number.")) from error
        if weight < 0 or weight > 2000 or weight != weight:
            raise PortalFormError(env._("Enter a realistic weight in kg."))
        vals = {
            "name": name,
            "species": species,
            "breed": portal_text(post, "breed", "pet_breed", env._("The breed"))
            or False,
            "sex": sex,
            "birthdate": dates["birthdate"],
            "deceased_date": dates["deceased_date"],
            "weight_kg": weight,
            "neutered": bool(post.get("neutered")),
            "allergies": portal_text(
                post, "allergies", "pet_allergies", env._("The allergies")
            )
            or False,
            "diet_notes": portal_text(
                post, "diet_notes", "pet_diet_notes", env._("The diet notes")
            )
            or False,
            "health_notes": portal_text(
                post, "health_notes", "pet_health_notes", env._("The health notes")
            )
            or False,
        }
        uploads = self._aftersales_read_uploads(
            "image", env.company, allowed=PORTAL_IMAGE_MIMETYPES
        )
        if uploads:
            vals["image_1920"] = base64.b64encode(uploads[0][1])
        return vals

    @http.route("/my/pets/new", type="http", auth="user", website=True, methods=["GET"])
    def portal_pet_new(self, **kw):
        return self._aftersales_pet_render_form()

    @http.route(
        "/my/pets/new", type="http", auth="user", website=True, methods=["POST"]
    )
    def portal_pet_create(self, **post):
        try:
            vals = self._aftersales_pet_prepare_vals(post)
            vals["partner_id"] = request.env.user.partner_id.id
            with request.env.cr.savepoint():
                # Portal users may not create pets by RPC: the form's checked,
                # whitelisted values are written for them, owner included.
                request.env["pet.profile"].sudo().create(vals)
        except PortalFormError as error:
            return self._aftersales_pet_render_form(post=post, error=str(error))
        except (UserError, ValidationError) as error:
            return self._aftersales_pet_render_form(post=post, error=error.args[0])
        return request.redirect("/my/pets")

    @http.route(
        "/my/pets/<int:pet_id>/edit",
        type="http",
        auth="user",
        website=True,
        methods=["GET"],
    )
    def portal_pet_edit(self, pet_id, **kw):
        try:
            pet = self._aftersales_pet_check(pet_id)
        except (AccessError, MissingError):
            return self._aftersales_refused()
        return self._aftersales_pet_render_form(pet=pet)

    @http.route(
        "/my/pets/<int:pet_id>/edit",
        type="http",
        auth="user",
        website=True,
        methods=["POST"],
    )
    def portal_pet_write(self, pet_id, **post):
        try:
            pet = self._aftersales_pet_check(pet_id)
        except (AccessError, MissingError):
            return self._aftersales_refused()
        try:
            vals = self._aftersales_pet_prepare_vals(post)
            with request.env.cr.savepoint():
                # The customer's own pet (checked above), these fields only.
                pet.sudo().write(vals)
        except PortalFormError as error:
            return self._aftersales_pet_render_form(pet, post, str(error))
        except (UserError, ValidationError) as error:
            return self._aftersales_pet_render_form(pet, post, error.args[0])
        return request.redirect("/my/pets")

    @http.route(
        ["/my/pets/<int:pet_id>/archive", "/my/pets/<int:pet_id>/unarchive"],
        type="http",
        auth="user",
        website=True,
        methods=["POST"],
    )
    def portal_pet_archive(self, pet_id, **post):
        try:
            pet = self._aftersales_pet_check(pet_id)
        except (AccessError, MissingError):
            return self._aftersales_refused()
        archive = request.httprequest.path.endswith("/archive")
        pet.sudo().write({"active": not archive})
        return request.redirect(
            "/my/pets" + ("?filterby=archived" if not archive else "")
        )
