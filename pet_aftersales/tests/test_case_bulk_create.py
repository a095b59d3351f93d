from odoo.addons.mail.tests.common import MailCommon

from .common import AftersalesCaseCommon


class TestCaseBulkCreate(AftersalesCaseCommon, MailCommon):
    """One case or many: each case gets the same chatter (creation note,
    followers), and each create tells the team and the assignees once, at a
    cost that does not grow with the number of cases."""

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

    def _assert_case_chatter(self, cases):
        note = self.env.ref("mail.mt_note")
        for case in cases:
            # every case has its followers, so the next message reaches them
            self.assertIn(self.user_admin.partner_id, case.message_partner_ids)
            self.assertIn(self.agent.partner_id, case.message_partner_ids)
            self.assertIn(self.follower, case.message_partner_ids)
            # and its creation note, by its author
            created = case.message_ids.filtered(lambda m: m.subtype_id == note)
            self.assertEqual(len(created), 1)
            self.assertEqual(created.author_id, self.user_admin.partner_id)
            self.assertIn("After-sales Case created", created.body)

    def _announcements(self):
        return self.team.message_ids.filtered(
            lambda m: m.subtype_id == self.env.ref("pet_aftersales.mt_team_case_new")
        )

    def test_bulk_create_keeps_history_and_sends_digests(self):
        count = 25
        with self.mock_mail_gateway():
            cases = self._create(count)
        new_cases = cases.filtered(lambda c: c.team_id == self.team)
        self.assertEqual(len(new_cases), count)
        self._assert_case_chatter(cases)
        # the creation is announced once in the team's chatter, linking every
        # case, and the team's follower gets that one digest, not one per case
        digest = self._announcements()
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

    def test_one_case_gets_the_same_chatter(self):
        """No batch size changes what people see: one case has the same
        chatter as each of a thousand, and the same announcement."""
        with self.mock_mail_gateway():
            case = self._create(1)
        self._assert_case_chatter(case)
        announcement = self._announcements()
        self.assertEqual(len(announcement), 1)
        self.assertIn("A new case was opened", announcement.body)
        self.assertIn(f'res_id={case.id}"', announcement.body)
        self.assertEqual(
            announcement.notified_partner_ids, self.follower | self.agent.partner_id
        )

    def test_integration_context_keys(self):
        """The standard keys an integration passes on purpose are honoured."""
        Case = self.env["aftersales.case"].with_user(self.user_admin)
        quiet = Case.with_context(mail_create_nolog=True).create(self._vals(3))
        self.assertFalse(quiet.message_ids)
        self.assertFalse(self._announcements())
        self.assertIn(self.agent.partner_id, quiet[0].message_partner_ids)
        unfollowed = Case.with_context(mail_create_nosubscribe=True).create(
            self._vals(2)
        )
        self.assertNotIn(self.user_admin.partner_id, unfollowed.message_partner_ids)
        self.assertIn(self.agent.partner_id, unfollowed[0].message_partner_ids)
        silent = Case.with_context(tracking_disable=True).create(self._vals(2))
        self.assertFalse(silent.message_ids)
        self.assertFalse(silent.message_follower_ids)

    def test_bulk_create_queries_do_not_grow_with_cases(self):
        counts = []
        for count in (21, 30, 80):
            self.env.invalidate_all()
            with self.mock_mail_gateway():
                before = self.env.cr.sql_log_count
                self._create(count, user=self.agent2)
                counts.append(self.env.cr.sql_log_count - before)
        # the first call warms the caches; then 50 more cases cost only the
        # extra statements of the ORM's 100-row INSERT batches (cases,
        # checklist steps, followers), not one query per case
        self.assertLess(counts[2] - counts[1], 10, counts)
