import { registry } from "@web/core/registry";

registry.category("web_tour.tours").add("pet_aftersales_customers", {
    steps: () => [
        {
            content: "Open the Customers menu of the After-sales app",
            trigger: '.o_main_navbar button[data-menu-xmlid="pet_aftersales.pet_aftersales_menu_customers"]',
            run: "click",
        },
        {
            content: "Open the customers list",
            trigger: '.dropdown-item[data-menu-xmlid="pet_aftersales.aftersales_customer_menu"]',
            run: "click",
        },
        {
            content: "The customer with a case is listed, with its cases",
            trigger: '.o_data_row:contains("Tour Customer Wang") td[name="aftersales_case_count"]:contains("1")',
        },
        {
            content: "A partner the desk never served is not",
            trigger: '.o_list_view:not(:has(.o_data_row:contains("Tour Stranger")))',
        },
        {
            content: "Open the customer",
            trigger: '.o_data_row:contains("Tour Customer Wang") td[name="complete_name"]',
            run: "click",
        },
        {
            content: "The customer's form shows its cases",
            trigger: '.o_form_view button[name="action_view_aftersales_cases"]:contains("1")',
        },
    ],
});
