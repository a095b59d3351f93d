from odoo import models


class MailActivityMixin(models.AbstractModel):
    _inherit = "mail.activity.mixin"

    def _aftersales_activity_schedule(self, user, texts, act_type_xmlid="", **values):
        """Schedule an activity on each record of ``self`` for ``user``, its
        summary and note written in the assignee's language, not in the
        language of whoever (or whichever cron) triggered it.

        :param user: the assignee (``res.users``, one record)
        :param texts: ``texts(record, env)`` returns the activity's texts
            (``summary``, ``note``) written with ``env._``; ``env`` is in the
            assignee's language and time zone, ``record`` reads in it too
        :param act_type_xmlid: the activity type, as for ``activity_schedule``
        :param values: other values of the activities (deadline, type id...)
        """
        user.ensure_one()
        context = {
            "lang": user.lang or self.env.lang,
            "tz": user.tz or self.env.context.get("tz"),
        }
        for record in self:
            localized = record.with_context(**context)
            record.activity_schedule(
                act_type_xmlid,
                user_id=user.id,
                **texts(localized, localized.env),
                **values,
            )
        return True
