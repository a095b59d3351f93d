import re
from collections import Counter

import polib

from odoo.exceptions import UserError
from odoo.tests import HttpCase, TransactionCase, new_test_user, tagged
from odoo.tools.misc import file_path
from odoo.tools.translate import TranslationModuleReader

from .common import AftersalesCommon
from .portal_common import PORTAL_LOGIN, PortalFixture

MODULE = "pet_aftersales"
LANGS = ("zh_CN", "zh_TW")

# printf-style (%s, %d, %(name)s, %%), str.format ({}, {name}), inline
# templates ({{ object.name }}), HTML/QWeb tags and QWeb directives with their
# expressions: they must come out of a translation exactly as they went in.
PRINTF_RE = re.compile(r"%(?:\([\w.]+\))?[-#0+]*\d*(?:\.\d+)?[sdifrxX%]")
FORMAT_RE = re.compile(r"\{\w*\}")
INLINE_TEMPLATE_RE = re.compile(r"\{\{.*?\}\}")
TAG_RE = re.compile(r"</?[a-zA-Z][\w.-]*(?=[\s/>])")
QWEB_ATTR_RE = re.compile(r"""\bt-[\w-]+=(?:"[^"]*"|'[^']*')""")

# Characters that exist only in simplified writing, with their traditional
# forms: a zh_TW translation must not contain the former, nor zh_CN the latter.
SIMPLIFIED_TO_TRADITIONAL = dict(
    zip(
        "后务户货单点问题应时间质数据对这发经为个们设处预过关门录订产认类别购满调启",
        "後務戶貨單點問題應時間質數據對這發經為個們設處預過關門錄訂產認類別購滿調啟",
        strict=True,
    )
)
SIMPLIFIED_ONLY = {s for s, t in SIMPLIFIED_TO_TRADITIONAL.items() if s != t}
TRADITIONAL_ONLY = {t for s, t in SIMPLIFIED_TO_TRADITIONAL.items() if s != t}


def _placeholders(text):
    return Counter(
        PRINTF_RE.findall(text)
        + FORMAT_RE.findall(text)
        + INLINE_TEMPLATE_RE.findall(text)
        + TAG_RE.findall(text)
        + QWEB_ATTR_RE.findall(text)
    )


def _load(path):
    return polib.pofile(file_path(f"{MODULE}/i18n/{path}"))


class TestShippedTranslations(AftersalesCommon):
    """The .pot matches the addon and both Chinese .po files translate all of it.

    Regenerate with `make i18n` (README, "Translations") when this fails.
    """

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.pot = _load(f"{MODULE}.pot")
        cls.pot_msgids = {e.msgid for e in cls.pot if e.msgid and not e.obsolete}
        cls.po = {lang: _load(f"{lang}.po") for lang in LANGS}

    def test_pot_is_not_stale(self):
        """Every translatable term of the installed addon is in the shipped .pot,
        and every file can be read for terms (a call the extractor cannot parse,
        e.g. an f-string inside `_()`, would silently drop its file's terms)."""
        with self.assertNoLogs("odoo.tools.translate", level="ERROR"):
            exported = {
                source
                for module, _type, _name, _res_id, source, _value, _comments in (
                    TranslationModuleReader(self.env.cr, modules=[MODULE])
                )
                if module == MODULE and source
            }
        self.assertGreater(len(exported), 100)
        missing = sorted(exported - self.pot_msgids)
        self.assertFalse(
            missing,
            "pet_aftersales.pot is stale, run `make i18n`; missing msgids:\n"
            + "\n".join(map(repr, missing)),
        )

    def test_every_term_translated(self):
        for lang, po in self.po.items():
            with self.subTest(lang=lang):
                self.assertEqual(po.metadata.get("Language"), lang)
                translated = {
                    e.msgid
                    for e in po
                    if not e.obsolete and e.msgstr.strip() and "fuzzy" not in e.flags
                }
                untranslated = sorted(self.pot_msgids - translated)
                self.assertFalse(
                    untranslated,
                    f"{lang}.po leaves {len(untranslated)} msgids untranslated "
                    f"(`scripts/po_todo.py {MODULE}/i18n/{lang}.po` lists them):\n"
                    + "\n".join(map(repr, untranslated)),
                )

    def test_placeholders_kept(self):
        for lang, po in self.po.items():
            broken = [
                (e.msgid, e.msgstr)
                for e in po
                if e.msgstr and _placeholders(e.msgid) != _placeholders(e.msgstr)
            ]
            self.assertFalse(
                broken,
                f"{lang}.po changes placeholders or tags:\n"
                + "\n".join(f"{i!r} -> {s!r}" for i, s in broken),
            )

    def test_placeholder_check_catches_broken_ones(self):
        """The check itself: a dropped, renamed or added placeholder differs."""
        self.assertNotEqual(_placeholders("Case %(case)s"), _placeholders("案件"))
        self.assertNotEqual(
            _placeholders("Case %(case)s"), _placeholders("案件 %(name)s")
        )
        self.assertNotEqual(_placeholders("{} cases"), _placeholders("{name} 件"))
        self.assertNotEqual(
            _placeholders('<span t-out="x"/>'), _placeholders("<span/>")
        )
        self.assertNotEqual(
            _placeholders('<span t-out="x"/>'), _placeholders('<span t-out="y"/>')
        )
        self.assertNotEqual(
            _placeholders("[{{ object.name }}] Solved"), _placeholders("已解决")
        )
        self.assertEqual(
            _placeholders('%s <b t-esc="n"/> %(x)d {y}'),
            _placeholders('{y} %(x)d <b t-esc="n"/> %s'),
        )
        self.assertEqual(_placeholders("<jobs@example.com> 5% off"), Counter())

    def test_script_is_consistent(self):
        """zh_TW is written in traditional characters, zh_CN in simplified ones."""
        for lang, forbidden in (
            ("zh_TW", SIMPLIFIED_ONLY),
            ("zh_CN", TRADITIONAL_ONLY),
        ):
            wrong = [
                (e.msgid, e.msgstr)
                for e in self.po[lang]
                if forbidden.intersection(e.msgstr)
            ]
            self.assertFalse(
                wrong,
                f"{lang}.po mixes scripts:\n"
                + "\n".join(
                    f"{s!r} ({''.join(sorted(forbidden.intersection(s)))})"
                    for _i, s in wrong
                ),
            )

    def test_chinese_loaded_in_the_ui(self):
        """Loading the .po files puts Chinese labels, menus, choices and errors
        in front of zh_CN and zh_TW users."""
        for lang in LANGS:
            self.env["res.lang"]._activate_lang(lang)
        self.env["ir.module.module"].search(
            [("name", "=", MODULE)]
        )._update_translations(list(LANGS), overwrite=True)
        menu = self.env.ref("pet_aftersales.pet_aftersales_menu_root")
        cases_menu = self.env.ref("pet_aftersales.aftersales_case_menu")
        expected = {
            "zh_CN": (
                "售后",
                "服务单",
                "优先级",
                "问题类别",
                "狗",
                "公",
                "解决方案",
                "只有已关闭的服务单才能重新打开",
            ),
            "zh_TW": (
                "售後",
                "案件",
                "優先等級",
                "問題類別",
                "狗",
                "公",
                "解決方案",
                "只有已結案的案件才能重新開啟",
            ),
        }
        case = self.env["aftersales.case"].create(
            {"name": "Torn bag", "partner_id": self.customer.id}
        )
        for lang, (
            app,
            cases,
            priority,
            category,
            dog,
            male,
            page,
            closed,
        ) in expected.items():
            with self.subTest(lang=lang):
                self.assertEqual(menu.with_context(lang=lang).name, app)
                self.assertEqual(cases_menu.with_context(lang=lang).name, cases)
                fields = (
                    self.env["aftersales.case"]
                    .with_context(lang=lang)
                    .fields_get(["priority", "category_id"], ["string"])
                )
                self.assertEqual(fields["priority"]["string"], priority)
                self.assertEqual(fields["category_id"]["string"], category)
                pet_fields = (
                    self.env["pet.profile"]
                    .with_context(lang=lang)
                    .fields_get(["species", "sex"], ["selection"])
                )
                self.assertIn(("dog", dog), pet_fields["species"]["selection"])
                self.assertIn(("male", male), pet_fields["sex"]["selection"])
                form = (
                    self.env["aftersales.case"]
                    .with_context(lang=lang)
                    .get_views([(False, "form")])["views"]["form"]["arch"]
                )
                self.assertIn(f'string="{page}"', form)
                # Reopening an open case: the error speaks the user's language.
                with self.assertRaisesRegex(UserError, closed):
                    case.with_context(lang=lang).action_reopen()


@tagged("post_install", "-at_install")
class TestChineseForm(HttpCase):
    def setUp(self):
        super().setUp()
        self.env["res.lang"]._activate_lang("zh_CN")
        self.env["ir.module.module"].search(
            [("name", "=", MODULE)]
        )._update_translations(["zh_CN"], overwrite=True)
        new_test_user(
            self.env,
            login="as_agent_cn",
            password="as_agent_cn",
            name="王芳",
            lang="zh_CN",
            tz="Asia/Shanghai",
            groups="base.group_user,pet_aftersales.pet_aftersales_group_agent",
        )

    def test_zh_cn_agent_gets_chinese_case_form_over_http(self):
        """What the web client asks the server for a zh_CN agent's case form
        (session context, then the form view and its fields) is Chinese."""
        self.authenticate("as_agent_cn", "as_agent_cn")
        session = self.make_jsonrpc_request("/web/session/get_session_info")
        context = session["user_context"]
        self.assertEqual(context["lang"], "zh_CN")
        result = self.make_jsonrpc_request(
            "/web/dataset/call_kw/aftersales.case/get_views",
            {
                "model": "aftersales.case",
                "method": "get_views",
                "args": [[[False, "form"]]],
                "kwargs": {"context": context},
            },
        )
        fields = result["models"]["aftersales.case"]["fields"]
        self.assertEqual(fields["category_id"]["string"], "问题类别")
        self.assertEqual(fields["channel"]["string"], "渠道")
        self.assertIn(["chat", "在线客服"], fields["channel"]["selection"])
        arch = result["views"]["form"]["arch"]
        self.assertIn('string="解决方案"', arch)
        self.assertNotIn('string="Solution"', arch)

    def test_zh_cn_agent_sees_chinese_case_form(self):
        """A zh_CN agent opens a new case in the browser and reads Chinese labels."""
        self.start_tour(
            "/odoo/action-pet_aftersales.aftersales_case_action/new",
            "pet_aftersales_zh_cn_case_form",
            login="as_agent_cn",
        )


class TestChineseDemo(AftersalesCommon):
    def test_chinese_demo_customers(self):
        """The demo has a Shanghai customer writing zh_CN and a Taipei one
        writing zh_TW, each with a pet and a case read in their own language."""
        cn = self.env.ref("pet_aftersales.partner_demo_zh_cn")
        tw = self.env.ref("pet_aftersales.partner_demo_zh_tw")
        self.assertEqual((cn.lang, tw.lang), ("zh_CN", "zh_TW"))
        self.assertIn("上海", cn.contact_address)
        self.assertEqual(cn.country_id, self.env.ref("base.cn"))
        self.assertEqual(tw.country_id, self.env.ref("base.tw"))
        self.assertEqual(
            self.env["pet.profile"]
            .search([("partner_id", "in", (cn | tw).ids)])
            .mapped("name"),
            ["小黑", "豆豆"],
        )
        installed = {code for code, _name in self.env["res.lang"].get_installed()}
        self.assertLessEqual({"zh_CN", "zh_TW"}, installed)
        case_cn = self.env.ref("pet_aftersales.aftersales_case_demo_zh_cn")
        case_tw = self.env.ref("pet_aftersales.aftersales_case_demo_zh_tw")
        self.assertEqual(
            case_cn.with_context(lang=cn.lang).category_id.name, "物流配送"
        )
        self.assertEqual(
            case_tw.with_context(lang=tw.lang).category_id.name, "食品安全"
        )
        self.assertEqual(case_tw.with_context(lang=tw.lang).stage_id.name, "新建立")


@tagged("post_install", "-at_install")
class TestChineseCustomers(PortalFixture, HttpCase):
    """Customers read mails and portal pages in their own Chinese."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls._portal_fixture()
        for lang in ("zh_CN", "zh_TW"):
            cls.env["res.lang"]._activate_lang(lang)
        cls.env["ir.module.module"].search(
            [("name", "=", MODULE)]
        )._update_translations(["zh_CN", "zh_TW"], overwrite=True)
        cls.customer_tw = cls.env["res.partner"].create(
            {
                "name": "陳怡君",
                "lang": "zh_TW",
                "tz": "Asia/Taipei",
                "email": "chen.yijun@example.com",
                "country_id": cls.env.ref("base.tw").id,
            }
        )

    def test_mail_to_zh_tw_customer_is_traditional(self):
        customer = self.customer_tw
        self.assertEqual(customer.lang, "zh_TW")
        case = self.env["aftersales.case"].create(
            {"name": "狗飼料已過期", "partner_id": customer.id}
        )
        message = case.message_post_with_source(
            self.env.ref("pet_aftersales.mail_template_case_acknowledgement"),
            subtype_xmlid="mail.mt_comment",
        )
        self.assertIn("我們已收到您的售後申請", message.subject)
        self.assertIn(case.reference, message.subject)
        # Traditional, not simplified: no 们/后/请 of the zh_CN wording.
        self.assertNotRegex(message.subject + message.body, "[们后请单]")

    def test_mail_dates_without_seconds_in_the_customers_locale(self):
        customer = self.customer_tw
        case = self.env["aftersales.case"].create(
            {"name": "狗飼料已過期", "partner_id": customer.id}
        )
        case.response_deadline = "2031-11-10 02:30:45"
        body = self.env.ref(
            "pet_aftersales.mail_template_case_acknowledgement"
        )._render_field("body_html", case.ids, compute_lang=True)[case.id]
        # Asia/Taipei: 10:30, no seconds, Taiwanese date order
        self.assertIn("2031", body)
        self.assertIn("10:30", body)
        self.assertNotIn("10:30:45", body)
        self.assertNotIn("Nov", body)

    def test_portal_return_form_in_simplified_chinese(self):
        self.portal_user.lang = "zh_CN"
        self.authenticate(PORTAL_LOGIN, PORTAL_LOGIN)
        response = self.url_open(f"/my/orders/{self.order.id}/return")
        self.assertEqual(response.status_code, 200)
        self.assertIn("退货数量", response.text)
        self.assertNotIn("Quantity to return", response.text)


@tagged("post_install", "-at_install")
class TestDemoLanguages(TransactionCase):
    """About the demo data: its Chinese languages are installed as Settings >
    Languages does, with Odoo's own terms of the other modules."""

    def test_core_terms_are_chinese_too(self):
        fields = self.env["ir.model.fields"]
        expected = {"zh_CN": "您的订单", "zh_TW": "你的訂單"}
        for lang, your_orders in expected.items():
            label = fields._get("sale.order", "order_line").with_context(lang=lang)
            self.assertNotEqual(label.field_description, "Order Lines", lang)
            # the portal's "Your Orders" tile, a term of Sales, not of ours
            tile = self.env.ref("sale.portal_my_home_sale").with_context(lang=lang)
            self.assertIn(your_orders, tile.arch, lang)

    def test_callback_quality_score_is_product_quality(self):
        """The score is about the product's quality, not a "quality problem"
        (the category's name)."""
        expected = {"zh_CN": "产品质量", "zh_TW": "產品品質"}
        for lang, label in expected.items():
            field = self.env["ir.model.fields"]._get(
                "aftersales.callback", "csat_quality"
            )
            self.assertEqual(field.with_context(lang=lang).field_description, label)
