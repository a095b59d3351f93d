import { registry } from "@web/core/registry";

// Run by a zh_CN agent (tests/test_i18n.py): the case form speaks Chinese.
registry.category("web_tour.tours").add("pet_aftersales_zh_cn_case_form", {
    steps: () => [
        {
            content: "The breadcrumb shows the Chinese name of the cases action",
            trigger: ".o_breadcrumb:contains(服务单)",
        },
        {
            content: "The category field has its Chinese label",
            trigger: ".o_form_view .o_form_label:contains(问题类别)",
        },
        {
            content: "The channel field has its Chinese label",
            trigger: ".o_form_view .o_form_label:contains(渠道)",
        },
        {
            content: "The customer group title is in Chinese",
            trigger: ".o_form_view .o_horizontal_separator:contains(客户)",
        },
        {
            content: "The solution tab is in Chinese",
            trigger: ".o_form_view .o_notebook .nav-link:contains(解决方案)",
        },
        {
            content: "Chinese button labels stay on one line",
            trigger: ".o_form_view .o_form_statusbar .o_statusbar_buttons .btn",
            run() {
                const buttons = document.querySelectorAll(
                    ".o_form_statusbar .o_statusbar_buttons .btn, .o_control_panel .o_cp_buttons .btn"
                );
                for (const button of buttons) {
                    const range = document.createRange();
                    range.selectNodeContents(button);
                    const lines = new Set(
                        [...range.getClientRects()].map((rect) => Math.round(rect.bottom))
                    );
                    if (getComputedStyle(button).whiteSpace !== "nowrap" || lines.size > 1) {
                        throw new Error(`The button "${button.textContent.trim()}" wraps`);
                    }
                }
            },
        },
    ],
});
