import { registry } from "@web/core/registry";

// A 1x1 transparent PNG: a real image, checked by the server on its bytes.
const PNG_BASE64 =
    "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg==";

function attachPng(input, name) {
    const bytes = Uint8Array.from(atob(PNG_BASE64), (c) => c.charCodeAt(0));
    const transfer = new DataTransfer();
    transfer.items.add(new File([bytes], name, { type: "image/png" }));
    input.files = transfer.files;
    input.dispatchEvent(new Event("change", { bubbles: true }));
}

registry.category("web_tour.tours").add("pet_aftersales_portal_case", {
    steps: () => [
        {
            content: "Open the service requests from the portal home",
            trigger: "a[href='/my/cases']",
            run: "click",
        },
        {
            content: "Open a new request",
            trigger: "a.o_aftersales_new_case",
            run: "click",
        },
        {
            content: "Say what it is about",
            trigger: "select#category_id",
            run: "selectByLabel Delivery",
        },
        {
            content: "Give a subject",
            trigger: "input#name",
            run: "edit Bag of cat litter arrived wet",
        },
        {
            content: "Name the pet",
            trigger: "select#pet_id",
            run: "selectByLabel Lucky",
        },
        {
            content: "Describe the problem",
            trigger: "textarea#description",
            run: "edit The box was soaked, the litter is clumped.",
        },
        {
            content: "Attach a photo",
            trigger: "input#attachments",
            run() {
                attachPng(this.anchor, "wet_box.png");
            },
        },
        {
            content: "Send the request",
            trigger: "button.o_aftersales_case_submit",
            run: "click",
        },
        {
            content: "The request is confirmed",
            trigger: ".o_aftersales_case_created",
        },
        {
            content: "The photo is listed with the request",
            trigger: ".o_aftersales_attachments a[title='wet_box.png']",
        },
        {
            content: "The conversation is shown",
            trigger: "#case_communication .o_portal_chatter, #case_communication #discussion",
        },
    ],
});

registry.category("web_tour.tours").add("pet_aftersales_portal_pet", {
    steps: () => [
        {
            content: "Open my pets",
            trigger: "a[href='/my/pets']",
            run: "click",
        },
        {
            content: "Add a pet",
            trigger: "a.o_aftersales_new_pet",
            run: "click",
        },
        {
            content: "Name",
            trigger: "input#name",
            run: "edit Nuomi",
        },
        {
            content: "Species",
            trigger: "select#species",
            run: "selectByLabel Cat",
        },
        {
            content: "Breed",
            trigger: "input#breed",
            run: "edit Ragdoll",
        },
        {
            content: "Allergies",
            trigger: "textarea#allergies",
            run: "edit Fish",
        },
        {
            content: "Photo",
            trigger: "input#image",
            run() {
                attachPng(this.anchor, "nuomi.png");
            },
        },
        {
            content: "Save",
            trigger: "button.o_aftersales_pet_save",
            run: "click",
        },
        {
            content: "The new pet is in my list",
            trigger: ".o_aftersales_pet_card h5:contains(Nuomi)",
        },
    ],
});

registry.category("web_tour.tours").add("pet_aftersales_portal_return", {
    steps: () => [
        {
            content: "Ask for a return from the order page",
            trigger: "a.o_aftersales_request_return",
            run: "click",
        },
        {
            content: "Return one unit",
            trigger: "input.o_aftersales_return_qty",
            run: "edit 1",
        },
        {
            content: "Choose a reason",
            trigger: "select#reason_id",
            run: "selectByIndex 1",
        },
        {
            content: "The return policy answers at once",
            trigger: ".o_aftersales_policy_answer:not(.d-none):not(.alert-info)",
        },
        {
            content: "Attach a photo",
            trigger: "input#attachments",
            run() {
                attachPng(this.anchor, "evidence.png");
            },
        },
        {
            content: "Send the request",
            trigger: "button.o_aftersales_return_submit",
            run: "click",
        },
        {
            content: "The return is created and shows its status",
            trigger: ".o_aftersales_rma_created",
        },
        {
            content: "The timeline shows the current step",
            trigger: ".o_aftersales_rma_timeline li.fw-bold",
        },
        {
            content: "Its status badge is shown",
            trigger: ".o_aftersales_rma_state",
        },
    ],
});
