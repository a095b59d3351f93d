import { registry } from "@web/core/registry";

registry.category("web_tour.tours").add("pet_aftersales_sla_policy_team", {
    steps: () => [
        {
            content: "Create an SLA policy",
            trigger: ".o_list_button_add",
            run: "click",
        },
        {
            content: "Name it",
            trigger: ".o_field_widget[name=name] input",
            run: "edit Tour: night emergencies",
        },
        {
            content: "Look for the team",
            trigger: ".o_field_widget[name=team_id] input",
            run: "edit Customer",
        },
        {
            content: "The existing team is offered, not only Create",
            trigger: ".o-autocomplete--dropdown-item a:contains(Customer Service)",
            run: "click",
        },
        {
            content: "Count round the clock",
            trigger: ".o_field_widget[name=clock] input[data-value=calendar]",
            run: "click",
        },
        {
            content: "Save",
            trigger: ".o_form_button_save",
            run: "click",
        },
        {
            content: "Saved",
            trigger: ".o_form_saved",
        },
    ],
});
