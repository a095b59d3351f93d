from odoo.addons.mail.tests.common import MailCommon

from .common import AftersalesCaseCommon


class TestCaseBulkCreate(AftersalesCaseCommon, MailCommon):
    """Creating many cases at once keeps the chatter history and tells the
    team and the assignees, with one digest each instead of one notification
    per case, at a cost that does not grow with the number of cases."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        # mail enabled, as for a user importing cases
        cls.env = cls.env(
            context={
                key: value
                for key, value in cls.env.context.items()
                if key
                not in (
                    "tracking_disable",
                    "mail_create_nolog",
                    "mail_create_nosubscribe",
                    "mail_notrack",
                )
            }
        )
        cls.team = cls.team.with_env(cls.env)
        cls.follower = cls.manager.partner_id  # an internal user watching the team
        cls.team.message_subscribe(
            partner_ids=cls.follower.ids,
            subtype_ids=cls.env.ref("pet_aftersales.mt_team_case_new").ids,
        )
        cls.bulk_size = cls.env["aftersales.case"]._aftersales_bulk_create_size

    def _vals(self, count, user=None):
        return [
            {
                "name": f"Imported case {i}",
                "partner_id": self.customer.id,
                "category_id": self.category.id,
                "user_id": (user or self.agent).id,
            }
            for i in range(count)
        ]

    def _create(self, count, user=None):
        cases = (
            self.env["aftersales.case"]
            .with_user(self.user_admin)
            .create(self._vals(count, user))
        )
        self.env.flush_all()
        return cases

    def test_bulk_create_keeps_history_and_sends_digests(self):
        count = self.bulk_size + 5
        with self.mock_mail_gateway():
            cases = self._create(count)
        new_cases = cases.filtered(lambda c: c.team_id == self.team)
        self.assertEqual(len(new_cases), count)
        for case in cases:
            # every case has its followers, so the next message reaches them
            self.assertIn(self.user_admin.partner_id, case.message_partner_ids)
            self.assertIn(self.agent.partner_id, case.message_partner_ids)
            self.assertIn(self.follower, case.message_partner_ids)
        # the creation is recorded once in the team's chatter, linking every
        # case, and the team's follower gets that one digest, not one per case
        digest = self.team.message_ids.filtered(
            lambda m: m.subtype_id == self.env.ref("pet_aftersales.mt_team_case_new")
        )
        self.assertEqual(len(digest), 1)
        self.assertIn(f"{count} new cases were opened", digest.body)
        self.assertIn(f"Assigned to {self.agent.name} ({count})", digest.body)
        for case in cases:
            self.assertIn(f'res_id={case.id}"', digest.body)
        # ... which notifies the team's follower and the assignee, once each
        self.assertEqual(digest.partner_ids, self.agent.partner_id)
        self.assertEqual(
            digest.notified_partner_ids, self.follower | self.agent.partner_id
        )
        self.assertEqual(
            self.env["mail.notification"].search_count(
                [
                    (
                        "res_partner_id",
                        "in",
                        (self.follower | self.agent.partner_id).ids,
                    ),
                    (
                        "mail_message_id.model",
                        "in",
                        ["aftersales.case", "aftersales.team"],
                    ),
                ]
            ),
            2,
        )

    def test_small_create_notifies_per_case(self):
        """Below the batch size, each case is announced as usual."""
        with self.mock_mail_gateway():
            cases = self._create(2)
        for case in cases:
            opened = case.message_ids.filtered(
                lambda m: m.subtype_id == self.env.ref("pet_aftersales.mt_case_new")
            )
            self.assertEqual(len(opened), 1)
            self.assertIn(self.follower, opened.notified_partner_ids)
        assigned = self.env["mail.message"].search(
            [
                ("partner_ids", "in", self.agent.partner_id.ids),
                ("message_type", "=", "user_notification"),
            ]
        )
        self.assertEqual(len(assigned), 2)

    def test_bulk_create_queries_do_not_grow_with_cases(self):
        counts = []
        for count in (self.bulk_size + 1, self.bulk_size + 10, 4 * self.bulk_size):
            self.env.invalidate_all()
            with self.mock_mail_gateway():
                before = self.env.cr.sql_log_count
                self._create(count, user=self.agent2)
                counts.append(self.env.cr.sql_log_count - before)
        # the first call warms the caches; then 50 more cases cost only the
        # extra statements of the ORM's 100-row INSERT batches (cases,
        # checklist steps, followers), not one query per case
        self.assertLess(counts[2] - counts[1], 10, counts)
