import { registry } from "@web/core/registry";

registry.category("web_tour.tours").add("pet_aftersales_case_analysis", {
    steps: () => [
        {
            content: "Open the apps menu",
            trigger: ".o_navbar_apps_menu button",
            run: "click",
        },
        {
            content: "Open the After-sales app",
            trigger: '.o_app[data-menu-xmlid="pet_aftersales.pet_aftersales_menu_root"]',
            run: "click",
        },
        {
            content: "Open the Reporting menu",
            trigger:
                '.o_menu_sections [data-menu-xmlid="pet_aftersales.pet_aftersales_menu_reporting"]',
            run: "click",
        },
        {
            content: "Open Case Analysis",
            trigger: '[data-menu-xmlid="pet_aftersales.aftersales_case_report_monthly_menu"]',
            run: "click",
        },
        {
            content: "The pivot has a row per team, with the demo history",
            trigger: ".o_pivot table:contains(Customer Service):contains(Quality & Pet Health)",
        },
        {
            content: "Response times are a measure of the pivot",
            trigger: ".o_pivot .o_pivot_measure_row:contains(First Response)",
        },
        {
            content: "Switch to the graph",
            trigger: ".o_switch_view.o_graph",
            run: "click",
        },
        {
            content: "The trend is drawn",
            trigger: ".o_graph_renderer canvas",
        },
    ],
});
