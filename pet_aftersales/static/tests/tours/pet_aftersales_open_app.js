import { registry } from "@web/core/registry";

registry.category("web_tour.tours").add("pet_aftersales_open_app", {
    steps: () => [
        {
            content: "Open the apps menu",
            trigger: ".o_navbar_apps_menu button",
            run: "click",
        },
        {
            content: "Open the After-sales app from the home menu",
            trigger: '.o_app[data-menu-xmlid="pet_aftersales.pet_aftersales_menu_root"]',
            run: "click",
        },
        {
            content: "The cases view of the app is shown",
            trigger: ".o_breadcrumb:contains(Cases)",
        },
        {
            content: "The app's menu is in the navbar",
            trigger: '.o_main_navbar .o_menu_brand:contains("After-sales")',
        },
    ],
});
