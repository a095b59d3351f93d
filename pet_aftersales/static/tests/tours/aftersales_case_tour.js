import { registry } from "@web/core/registry";

registry.category("web_tour.tours").add("pet_aftersales_case_close", {
    steps: () => [
        {
            content: "Open the case from the kanban",
            trigger: ".o_kanban_record:contains(Tour: scratched cat bowl)",
            run: "click",
        },
        {
            content: "Open the Solution tab",
            trigger: ".o_notebook .nav-link:contains(Solution)",
            run: "click",
        },
        {
            content: "Choose an exchange",
            trigger: ".o_field_widget[name=solution] select",
            run: 'select "exchange"',
        },
        {
            content: "Close the case",
            trigger: ".o_form_view button[name=action_close]",
            run: "click",
        },
        {
            content: "The case is in the Solved stage",
            trigger: ".o_statusbar_status button.o_arrow_button_current:contains(Solved)",
        },
        {
            content: "The reopen button is offered",
            trigger: ".o_form_view button[name=action_reopen]",
        },
    ],
});
