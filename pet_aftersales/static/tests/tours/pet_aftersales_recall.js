import { registry } from "@web/core/registry";

// 1. The manager starts the recall from the alert, traces and notifies.
registry.category("web_tour.tours").add("pet_aftersales_recall_start", {
    steps: () => [
        {
            content: "Start the recall from the alert",
            trigger: ".o_form_view button[name=action_start_recall]",
            run: "click",
        },
        {
            content: "The draft recall names the lot",
            trigger: ".o_form_view .o_field_widget[name=lot_ids]:contains(KB-2026-07)",
        },
        {
            content: "Start it: the customers are traced",
            trigger: ".o_form_view button[name=action_open]",
            run: "click",
        },
        {
            content: "The traced customer is listed",
            trigger: ".o_field_widget[name=line_ids] .o_data_row:contains(Chen Mei)",
        },
        {
            content: "Trace again: nothing is duplicated",
            trigger: ".o_form_view button[name=action_trace]",
            run: "click",
        },
        {
            content: "Send the notices",
            trigger: ".o_form_view button[name=action_notify]",
            run: "click",
        },
        {
            content: "The customers are notified",
            trigger: ".o_field_widget[name=line_ids] .o_data_row:contains(Notified)",
        },
    ],
});

// 2. The customer opens the link of the notice, without logging in.
registry.category("web_tour.tours").add("pet_aftersales_recall_notice", {
    steps: () => [
        {
            content: "The notice names the lot",
            trigger: ".o_aftersales_recall_notice:contains(KB-2026-07)",
        },
        {
            content: "Say how many units are left",
            trigger: "input#qty_remaining",
            run: "edit 2",
        },
        {
            content: "Dispose of them",
            trigger: "input#choice_dispose",
            run: "click",
        },
        {
            content: "Send the answer",
            trigger: "button.o_aftersales_recall_submit",
            run: "click",
        },
        {
            content: "The answer is recorded",
            trigger: ".o_aftersales_recall_done",
        },
        {
            content: "The return for the disposal is shown",
            trigger: ".o_aftersales_recall_answered:contains(RMA/)",
        },
    ],
});

// 3. The supervisor approves the disposal and refunds it.
registry.category("web_tour.tours").add("pet_aftersales_recall_refund", {
    steps: () => [
        {
            content: "Approve the disposal",
            trigger: ".o_form_view button[name=action_approve]",
            run: "click",
        },
        {
            content: "No receipt: it is received at once; finish it",
            trigger: ".o_form_view button[name=action_done]",
            run: "click",
        },
        {
            content: "Confirm the refund",
            trigger: ".modal-footer button.btn-primary",
            run: "click",
        },
        {
            content: "The return is done",
            trigger: ".o_statusbar_status button.o_arrow_button_current:contains(Done)",
        },
    ],
});

// 4. The manager records the effectiveness check and closes the recall.
registry.category("web_tour.tours").add("pet_aftersales_recall_close", {
    steps: () => [
        {
            content: "The disposed units are counted",
            trigger: ".o_field_widget[name=qty_disposed]:contains(2)",
        },
        {
            content: "Open the effectiveness check",
            trigger: ".o_notebook .nav-link:contains(Effectiveness Check)",
            run: "click",
        },
        {
            content: "Record how the recall was checked",
            trigger: ".o_field_widget[name=effectiveness_note] textarea",
            run: "edit Both customers reached; 2 units disposed, 1 used up, 1 to follow up by phone.",
        },
        {
            content: "Close the recall",
            trigger: ".o_form_view button[name=action_close]",
            run: "click",
        },
        {
            content: "The recall is closed",
            trigger: ".o_statusbar_status button.o_arrow_button_current:contains(Closed)",
        },
    ],
});
