import publicWidget from "@web/legacy/js/public/public_widget";
import { rpc } from "@web/core/network/rpc";
import { debounce } from "@web/core/utils/timing";

/**
 * Return request form: asks the server's return policy, while the customer
 * fills in the form, whether the return is eligible and why. Nothing is
 * written until the form is submitted.
 */
publicWidget.registry.AftersalesReturnForm = publicWidget.Widget.extend({
    selector: "form.o_aftersales_return_form",
    events: {
        "input .o_aftersales_return_qty": "_onChange",
        "change select, input[type=checkbox]": "_onChange",
    },

    start() {
        this._checkPolicy = debounce(this._checkPolicy.bind(this), 300);
        return this._super(...arguments);
    },

    _onChange() {
        this._checkPolicy();
    },

    async _checkPolicy() {
        const params = {};
        for (const [key, value] of new FormData(this.el).entries()) {
            if (typeof value === "string" && key !== "csrf_token") {
                params[key] = value;
            }
        }
        const answer = await rpc(`/my/orders/${this.el.dataset.orderId}/return/check`, params);
        const box = this.el.querySelector(".o_aftersales_policy_answer");
        box.classList.remove("d-none", "alert-success", "alert-warning", "alert-info");
        box.classList.add(answer.incomplete ? "alert-info" : answer.ok ? "alert-success" : "alert-warning");
        box.dataset.ok = answer.ok ? "1" : "0";
        box.textContent = answer.message;
    },
});
