import { registry } from "@web/core/registry";

// The five business processes of the addon, each step run by the role that
// does it in real life (tests/test_process_tours.py logs each role in).
// Selectors use field and button names, so that a step works in any
// language; the steps that check a language say so.

const tours = registry.category("web_tour.tours");

function pickMany2one(field, search, label = search) {
    return [
        {
            content: `Search ${search} in ${field}`,
            trigger: `.o_field_widget[name=${field}] input`,
            run: `edit ${search}`,
        },
        {
            content: `Pick ${label}`,
            trigger: `.o_field_widget[name=${field}] .o-autocomplete--dropdown-item > a:contains(${label})`,
            run: "click",
        },
    ];
}

function openTab(name) {
    return {
        content: `Open the ${name} tab`,
        trigger: `.o_notebook .nav-link[name=${name}]`,
        run: "click",
    };
}

function rate(field, value) {
    return {
        content: `Rate ${field} ${value}`,
        trigger: `.modal .o_field_widget[name=${field}] input[data-value='${value}']`,
        run: "click",
    };
}

function rmaState(state) {
    return {
        content: `The return is ${state}`,
        trigger: `.o_statusbar_status button.o_arrow_button_current[data-value=${state}]`,
    };
}

function pressDone() {
    return [
        {
            content: "Finish the return",
            trigger: ".o_form_view button[name=action_done]",
            run: "click",
        },
        {
            content: "Confirm the refund or the exchange",
            trigger: ".modal-footer button.btn-primary",
            run: "click",
        },
        rmaState("done"),
    ];
}

// (1) A pet-health incident, from the phone call to the satisfaction
// call-back. Run by a zh_CN agent: the labels checked are Chinese.
tours.add("pet_aftersales_process_health_call", {
    steps: () => [
        {
            content: "The cases speak Chinese",
            trigger: ".o_breadcrumb:contains(服务单)",
        },
        {
            content: "What the caller says",
            trigger: ".o_field_widget[name=name] input",
            run: "edit 小橘吃了新粮后呕吐",
        },
        ...pickMany2one("partner_id", "周小梅"),
        ...pickMany2one("category_id", "宠物健康"),
        {
            content: "Pet health is always urgent: three stars",
            trigger: ".o_field_widget[name=priority] .o_priority_star:last-child.fa-star",
        },
        {
            content: "Open the case at once with what the caller knows",
            trigger: ".o_form_button_save",
            run: "click",
        },
        {
            content: "The case exists, before product and lot are known",
            trigger: ".o_breadcrumb .active:contains(小橘吃了新粮后呕吐)",
        },
        openTab("pet_health"),
        {
            content: "The pet health tab is in Chinese",
            trigger: ".o_notebook .nav-link[name=pet_health]:contains(宠物健康问题)",
        },
        {
            content: "Note the symptoms",
            trigger: ".o_field_widget[name=symptom_note] textarea",
            run: "edit 进食半小时后呕吐两次，精神尚可。",
        },
        ...pickMany2one("pet_id", "小橘"),
        ...pickMany2one("product_id", "三文鱼"),
        ...pickMany2one("lot_id", "SK-2611"),
        openTab("solution"),
        {
            content: "Compensate the customer",
            trigger: ".o_field_widget[name=solution] select",
            run: 'select "price_compensation"',
        },
        {
            content: "Solve the case",
            trigger: ".o_form_view button[name=action_close]",
            run: "click",
        },
        {
            content: "The case is solved (Chinese stage name)",
            trigger: ".o_statusbar_status button.o_arrow_button_current:contains(已解决)",
        },
        {
            content: "A major issue: call the customer back",
            trigger: ".o_form_view button[name=action_aftersales_callback]:contains(记录回访)",
            run: "click",
        },
        rate("csat_speed", "5"),
        rate("csat_solution", "4"),
        rate("csat_attitude", "5"),
        rate("csat_quality", "3"),
        {
            content: "What the customer said",
            trigger: ".modal .o_field_widget[name=note] textarea",
            run: "edit 小橘已恢复，客户满意赔偿。",
        },
        {
            content: "Record the call-back",
            trigger: ".modal button[name=action_confirm]",
            run: "click",
        },
        {
            content: "The call-back is done",
            trigger:
                "body:not(:has(.modal)) .o_field_widget[name=callback_done] input:checked",
        },
    ],
});

// (3) Classify, solve, the customer confirms, the call-back finds the
// customer not satisfied, second handling, closed again. Run by an agent.
tours.add("pet_aftersales_process_second_handling", {
    steps: () => [
        ...pickMany2one("category_id", "Product Quality"),
        openTab("solution"),
        {
            content: "Send replacement parts",
            trigger: ".o_field_widget[name=solution] select",
            run: 'select "parts"',
        },
        {
            content: "The customer agrees to the solution",
            trigger: ".o_form_view button[name=action_confirm_solution]",
            run: "click",
        },
        {
            content: "The agreement is recorded",
            trigger: ".o_form_statusbar:not(:has(button[name=action_confirm_solution]))",
        },
        {
            content: "Solve the case",
            trigger: ".o_form_view button[name=action_close]",
            run: "click",
        },
        {
            content: "The case is solved",
            trigger: ".o_statusbar_status button.o_arrow_button_current:contains(Solved)",
        },
        {
            content: "Call the customer back",
            trigger: ".o_form_view button[name=action_aftersales_callback]",
            run: "click",
        },
        {
            content: "The customer is not satisfied",
            trigger: ".modal .o_field_widget[name=outcome] input[data-value=not_satisfied]",
            run: "click",
        },
        rate("csat_solution", "2"),
        {
            content: "Why",
            trigger: ".modal .o_field_widget[name=note] textarea",
            run: "edit The new seal leaks too.",
        },
        {
            content: "Record the call-back",
            trigger: ".modal button[name=action_confirm]",
            run: "click",
        },
        {
            content: "Second handling: the case is open again",
            trigger:
                "body:not(:has(.modal)) .o_form_view .o_form_statusbar button[name=action_close]",
        },
        openTab("rounds"),
        {
            content: "The first round is kept",
            trigger: ".o_field_widget[name=round_ids] .o_data_row",
        },
        openTab("solution"),
        {
            content: "The customer agrees to the second solution",
            trigger: ".o_form_view button[name=action_confirm_solution]",
            run: "click",
        },
        {
            content: "The agreement is recorded",
            trigger: ".o_form_statusbar:not(:has(button[name=action_confirm_solution]))",
        },
        {
            content: "Solve the case again",
            trigger: ".o_form_view button[name=action_close]",
            run: "click",
        },
        {
            content: "The case is solved again",
            trigger: ".o_statusbar_status button.o_arrow_button_current:contains(Solved)",
        },
    ],
});

// Returns: the steps every return goes through in the back office.
tours.add("pet_aftersales_process_approve", {
    steps: () => [
        rmaState("submitted"),
        {
            content: "Approve the return",
            trigger: ".o_form_view button[name=action_approve]",
            run: "click",
        },
        rmaState("approved"),
        {
            content: "The receipt is ready for the warehouse",
            trigger: ".o_form_view button[name=action_view_pickings].oe_stat_button",
        },
    ],
});

// The storekeeper validates the return receipt when the goods arrive.
tours.add("pet_aftersales_process_receive", {
    steps: () => [
        {
            content: "Validate the receipt",
            trigger: ".o_form_view button[name=button_validate]",
            run: "click",
        },
        {
            content: "The goods are in",
            trigger: ".o_statusbar_status button.o_arrow_button_current[data-value=done]",
        },
    ],
});

tours.add("pet_aftersales_process_inspect_done", {
    steps: () => [
        rmaState("received"),
        {
            content: "The returned goods passed inspection",
            trigger: ".o_data_row button[name=action_inspection_pass]",
            run: "click",
        },
        {
            content: "The inspection is recorded",
            trigger: ".o_data_row .o_field_widget[name=inspection_result] .text-bg-success",
        },
        ...pressDone(),
    ],
});

// (2) The customer follows the return on the portal until it is done.
tours.add("pet_aftersales_process_portal_follow", {
    steps: () => [
        {
            content: "The last step of the timeline is reached",
            trigger: ".o_aftersales_rma_timeline li.fw-bold[data-state=done]",
        },
        {
            content: "Every step before it is ticked",
            trigger: ".o_aftersales_rma_timeline:not(:has(li:not(.fw-bold) .fa-circle-o))",
        },
    ],
});

// (4) At the store counter: a case, then a store drop-off exchange. Run by
// a zh_TW agent: the labels checked are Traditional Chinese.
tours.add("pet_aftersales_process_store_case", {
    steps: () => [
        {
            content: "What the customer at the counter says",
            trigger: ".o_field_widget[name=name] input",
            run: "edit 貓抓板尺寸不對",
        },
        ...pickMany2one("partner_id", "林志豪"),
        {
            content: "At the store service desk",
            trigger: ".o_field_widget[name=channel] select",
            run: 'select "store"',
        },
        {
            content: "The channel is in Traditional Chinese",
            trigger: ".o_field_widget[name=channel] select:has(option:checked:contains(門市服務台))",
        },
        ...pickMany2one("category_id", "產品品質"),
        ...pickMany2one("sale_order_id", "SO-STORE-TW1"),
        ...pickMany2one("product_id", "貓抓板"),
        openTab("solution"),
        {
            content: "Exchange it",
            trigger: ".o_field_widget[name=solution] select",
            run: 'select "exchange"',
        },
        {
            content: "Create the return of the exchange",
            trigger: ".o_form_view button[name=action_create_rma]:contains(建立退貨)",
            run: "click",
        },
        {
            content: "The return is an exchange",
            trigger: ".o_field_widget[name=resolution] select:has(option:checked[value*=exchange])",
        },
        ...pickMany2one("reason_id", "寄錯商品"),
        {
            content: "The customer drops the goods off at the store",
            trigger: ".o_field_widget[name=return_method] select",
            run: 'select "store"',
        },
        {
            content: "The return method is in Traditional Chinese",
            trigger: ".o_form_label:contains(退貨方式)",
        },
        {
            content: "Submit the return",
            trigger: ".o_form_view button[name=action_submit]",
            run: "click",
        },
        rmaState("submitted"),
    ],
});

// (5) A food complaint by phone, the goods collected by a courier.
tours.add("pet_aftersales_process_food_pickup", {
    steps: () => [
        {
            content: "What the caller says",
            trigger: ".o_field_widget[name=name] input",
            run: "edit Mouldy chicken jerky",
        },
        ...pickMany2one("partner_id", "Chen Mei"),
        ...pickMany2one("category_id", "Food Safety"),
        ...pickMany2one("sale_order_id", "SO-FOOD-1"),
        ...pickMany2one("product_id", "Chicken Jerky"),
        openTab("solution"),
        {
            content: "Take it back and refund",
            trigger: ".o_field_widget[name=solution] select",
            run: 'select "return"',
        },
        {
            content: "Create the return",
            trigger: ".o_form_view button[name=action_create_rma]",
            run: "click",
        },
        ...pickMany2one("reason_id", "Quality Problem"),
        {
            content: "A courier collects the goods",
            trigger: ".o_field_widget[name=return_method] select",
            run: 'select "pickup"',
        },
        ...pickMany2one("pickup_address_id", "Chen Mei"),
        {
            content: "Submit the return",
            trigger: ".o_form_view button[name=action_submit]",
            run: "click",
        },
        rmaState("submitted"),
    ],
});
