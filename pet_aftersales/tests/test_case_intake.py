from odoo.exceptions import UserError, ValidationError
from odoo.tests import users
from odoo.tools import mute_logger

from .common import AftersalesCaseCommon

NEW_MAIL = """Return-Path: <{email_from}>
To: {to}
From: {email_from}
Subject: {subject}
Message-ID: {msg_id}
Date: Tue, 24 Nov 2026 10:00:00 +0000
MIME-Version: 1.0
{extra_headers}Content-Type: multipart/mixed; boundary="BOUNDARY"

--BOUNDARY
Content-Type: text/plain; charset=utf-8

{body}
--BOUNDARY
Content-Type: image/png; name="photo.png"
Content-Disposition: attachment; filename="photo.png"
Content-Transfer-Encoding: base64

iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==
--BOUNDARY--
"""

REPLY_MAIL = """Return-Path: <{email_from}>
To: {to}
From: {email_from}
Subject: Re: {subject}
Message-ID: {msg_id}
In-Reply-To: {parent_id}
References: {parent_id}
Date: Wed, 25 Nov 2026 10:00:00 +0000
MIME-Version: 1.0
{extra_headers}Content-Type: text/plain; charset=utf-8

{body}
"""

BOUNCE_MAIL = """Return-Path: <>
To: bounce@pets.example.com
From: Mail Delivery System <MAILER-DAEMON@mx.example.com>
Subject: Undelivered Mail Returned to Sender
Message-ID: <bounce-1@mx.example.com>
Date: Wed, 25 Nov 2026 10:00:00 +0000
MIME-Version: 1.0
Content-Type: multipart/report; report-type=delivery-status; boundary="B"

--B
Content-Type: text/plain

This is the mail system. Your message to care@pets.example.com bounced.
--B--
"""


class TestCaseIntake(AftersalesCaseCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.alias_domain = cls.env["mail.alias.domain"].create(
            {
                "name": "pets.example.com",
                "bounce_alias": "bounce",
                "catchall_alias": "catchall",
            }
        )
        cls.company.alias_domain_id = cls.alias_domain
        cls.team.write({"alias_name": "care", "alias_domain_id": cls.alias_domain.id})
        cls.Case = cls.env["aftersales.case"]

    def _process(self, template, **values):
        values.setdefault("to", "care@pets.example.com")
        values.setdefault("extra_headers", "")
        values.setdefault("body", "My dog's water fountain leaks everywhere.")
        values.setdefault("subject", "Fountain leaks")
        return self.env["mail.thread"].message_process(None, template.format(**values))

    def _new_mail(self, **values):
        values.setdefault("email_from", "Zhang Wei <zhang.wei@example.com>")
        values.setdefault("msg_id", "<new-1@example.com>")
        return self._process(NEW_MAIL, **values)

    def test_mail_opens_a_case_with_new_partner(self):
        """With the company setting on, an unknown sender gets a contact."""
        self.company.aftersales_mail_create_partner = True
        case = self.Case.browse(self._new_mail())
        self.assertEqual(case.team_id, self.team)
        self.assertEqual(case.channel, "email")
        self.assertEqual(case.name, "Fountain leaks")
        self.assertIn("leaks everywhere", case.description)
        self.assertEqual(case.partner_id.email, "zhang.wei@example.com")
        self.assertIn("zhang.wei@example.com", case.email_from)
        attachments = case.message_ids.attachment_ids
        self.assertEqual(attachments.mapped("name"), ["photo.png"])
        self.assertTrue(case.response_deadline)
        acknowledgement = case.message_ids.filtered(
            lambda m: case.reference in (m.subject or "")
        )
        self.assertEqual(len(acknowledgement), 1)
        self.assertIn(case.partner_id, acknowledgement.partner_ids)

    def test_mail_from_known_customer_and_reply(self):
        case = self.Case.browse(
            self._new_mail(email_from=f'"Chen Mei" <{self.customer.email}>')
        )
        self.assertEqual(case.partner_id, self.customer)
        case_count = self.Case.search_count([])
        thread_id = self._process(
            REPLY_MAIL,
            email_from=self.customer.email,
            msg_id="<reply-1@example.com>",
            parent_id="<new-1@example.com>",
            body="Here is another photo.",
        )
        self.assertEqual(thread_id, case.id)
        self.assertEqual(self.Case.search_count([]), case_count)
        self.assertIn("another photo", "".join(case.message_ids.mapped("body")))

    def test_customer_reply_reopens_a_closed_case(self):
        case = self.Case.browse(self._new_mail())
        case.solution = "exchange"
        case.action_close()
        self._process(
            REPLY_MAIL,
            email_from="zhang.wei@example.com",
            msg_id="<reply-2@example.com>",
            parent_id="<new-1@example.com>",
            body="The new one leaks too!",
        )
        self.assertFalse(case.is_closed)
        self.assertEqual(case.reopen_count, 1)

    def test_auto_replies_open_nothing(self):
        case = self.Case.browse(self._new_mail())
        case.solution = "exchange"
        case.action_close()
        count = self.Case.search_count([])
        self.assertFalse(
            self._new_mail(
                msg_id="<ooo-1@example.com>",
                subject="Out of office",
                extra_headers="Auto-Submitted: auto-replied\n",
            )
        )
        self.assertFalse(
            self._new_mail(
                msg_id="<ooo-2@example.com>",
                subject="Out of office",
                extra_headers="X-Autoreply: yes\n",
            )
        )
        # an auto-reply to the closed case does not reopen it
        self._process(
            REPLY_MAIL,
            email_from="zhang.wei@example.com",
            msg_id="<ooo-3@example.com>",
            parent_id="<new-1@example.com>",
            extra_headers="Auto-Submitted: auto-replied\n",
        )
        self.assertTrue(case.is_closed)
        # a mail sent from our own alias never opens a case
        self.assertFalse(
            self._new_mail(
                msg_id="<loop-1@example.com>",
                email_from="care@pets.example.com",
            )
        )
        self.assertEqual(self.Case.search_count([]), count)

    @mute_logger("odoo.addons.mail.models.mail_thread")
    def test_bounce_opens_nothing(self):
        count = self.Case.search_count([])
        self.assertFalse(self.env["mail.thread"].message_process(None, BOUNCE_MAIL))
        self.assertEqual(self.Case.search_count([]), count)

    def test_sale_order_intake(self):
        product = self.env["product.product"].create({"name": "Cat tree"})
        order = self.env["sale.order"].create(
            {
                "partner_id": self.customer.id,
                "order_line": [(0, 0, {"product_id": product.id})],
            }
        )
        action = order.action_new_aftersales_case()
        self.assertEqual(action["context"]["default_sale_order_id"], order.id)
        self.assertEqual(action["context"]["default_product_id"], product.id)
        action = order.action_report_abnormal_order("payment")
        case = self.Case.browse(action["res_id"])
        self.assertEqual(case.category_id.code, "payment")
        self.assertEqual(case.sale_order_id, order)
        self.assertEqual(case.partner_id, self.customer)
        self.assertEqual(case.product_id, product)
        self.assertEqual(order.aftersales_case_count, 1)
        self.assertEqual(self.customer.aftersales_case_count, 1)
        with self.assertRaises(UserError):
            order.action_report_abnormal_order("no_such_code")

    def test_missing_customer_contact(self):
        with self.assertRaises(ValidationError):
            self.Case.create({"name": "Anonymous", "channel": "phone"})
        phone_only = self.Case.create(
            {"name": "Caller", "channel": "phone", "partner_phone": "+86 1"}
        )
        self.assertTrue(phone_only.reference)

    def test_category_of_another_company(self):
        other = self.env["res.company"].create({"name": "Other Pets Ltd"})
        category = self.env["aftersales.category"].create(
            {"name": "Other's", "code": "test_other", "company_id": other.id}
        )
        with self.assertRaises(UserError):
            self._create_case(category_id=category.id)

    @users("__system__")
    def test_create_100_cases_in_one_call(self):
        self.team.assignment_method = "balanced"
        vals_list = [
            {
                "name": f"Bulk case {i}",
                "partner_id": self.customer.id,
                "category_id": self.category.id,
                "channel": "phone",
            }
            for i in range(100)
        ]
        self.Case.create(vals_list[:2])  # warm caches
        self.env.flush_all()
        self.env.invalidate_all()
        # measured: 28 queries for 100 cases (sequence, routing, owners,
        # stage, SLA policies and calendar, inserts of cases and checklists)
        with self.assertQueryCount(28):
            cases = self.Case.create(vals_list)
            self.env.flush_all()
        self.assertEqual(len(cases.checklist_item_ids), 300)
        self.assertEqual(len(set(cases.mapped("reference"))), 100)
        self.assertTrue(all(cases.mapped("resolution_deadline")))
