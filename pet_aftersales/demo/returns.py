"""Demo only: products, lots, a delivered order and its returns (post_init_hook)."""

from datetime import timedelta

from odoo import Command, fields


def load_returns(env):
    """A delivered and invoiced order with returns in several states."""
    ref = env.ref
    customer = ref("base.partner_demo_portal")
    Category = env["product.category"]
    food = Category.create(
        {
            "name": "Pet Food",
            "parent_id": ref("product.product_category_all").id,
            "aftersales_return_days": 7,
        }
    )
    fresh = Category.create(
        {
            "name": "Fresh and Opened Food",
            "parent_id": food.id,
            "aftersales_returnable": False,
        }
    )
    Product = env["product.product"]
    kibble = Product.create(
        {
            "name": "Grain-free Salmon Kibble 2 kg",
            "default_code": "PET-KIB-2KG",
            "categ_id": food.id,
            "is_storable": True,
            "tracking": "lot",
            "list_price": 36.0,
            "invoice_policy": "delivery",
        }
    )
    cat_tree = Product.create(
        {
            "name": "Cat Tree Deluxe 120 cm",
            "is_storable": True,
            "list_price": 89.0,
            "invoice_policy": "delivery",
            "aftersales_return_days": 15,
        }
    )
    chicken = Product.create(
        {
            "name": "Fresh Chicken Dinner 400 g",
            "categ_id": fresh.id,
            "is_storable": True,
            "list_price": 4.5,
            "invoice_policy": "delivery",
        }
    )
    lot_a, lot_b = env["stock.lot"].create(
        [
            {"name": "KIB-2026-031", "product_id": kibble.id},
            {"name": "KIB-2026-044", "product_id": kibble.id},
        ]
    )
    warehouse = env["stock.warehouse"].search(
        [("company_id", "=", env.company.id)], limit=1
    )
    Quant = env["stock.quant"]
    Quant._update_available_quantity(kibble, warehouse.lot_stock_id, 30, lot_id=lot_a)
    Quant._update_available_quantity(kibble, warehouse.lot_stock_id, 30, lot_id=lot_b)
    Quant._update_available_quantity(cat_tree, warehouse.lot_stock_id, 10)
    Quant._update_available_quantity(chicken, warehouse.lot_stock_id, 50)
    order = env["sale.order"].create(
        {
            "partner_id": customer.id,
            "client_order_ref": "DEMO-RETURNS",
            "order_line": [
                Command.create({"product_id": kibble.id, "product_uom_qty": 6}),
                Command.create({"product_id": cat_tree.id, "product_uom_qty": 2}),
                Command.create({"product_id": chicken.id, "product_uom_qty": 12}),
            ],
        }
    )
    order.action_confirm()
    picking = order.picking_ids
    kibble_move = picking.move_ids.filtered(lambda m: m.product_id == kibble)
    kibble_move.move_line_ids.unlink()
    env["stock.move.line"].create(
        [
            {
                "move_id": kibble_move.id,
                "picking_id": picking.id,
                "product_id": kibble.id,
                "product_uom_id": kibble.uom_id.id,
                "lot_id": lot.id,
                "quantity": qty,
                "location_id": picking.location_id.id,
                "location_dest_id": picking.location_dest_id.id,
            }
            for lot, qty in ((lot_a, 4), (lot_b, 2))
        ]
    )
    for move in picking.move_ids - kibble_move:
        move.quantity = move.product_uom_qty
    picking.move_ids.picked = True
    picking._action_done()
    picking.date_done = fields.Datetime.now() - timedelta(days=3)
    invoice = order._create_invoices()
    invoice.action_post()

    lines = {line.product_id: line for line in order.order_line}
    reasons = {
        code: ref(f"pet_aftersales.aftersales_return_reason_{code}")
        for code in ("no_reason", "quality", "damaged_transit", "changed_mind")
    }
    Rma = env["aftersales.rma"]

    def make(reason, items, **vals):
        return Rma.create(
            {
                "partner_id": customer.id,
                "sale_order_id": order.id,
                "reason_id": reasons[reason].id,
                "line_ids": [
                    Command.create(
                        {
                            "sale_line_id": lines[product].id,
                            "quantity": qty,
                            "lot_id": lot.id if lot else False,
                            "original_packaging": True,
                        }
                    )
                    for product, qty, lot in items
                ],
                **vals,
            }
        )

    # done: 1 bag of lot A refunded after a passed inspection
    done = make(
        "quality",
        [(kibble, 1, lot_a)],
        description="The kibble smells rancid, the dog refuses it.",
    )
    done.action_submit()
    done.action_approve()
    receipt = done.picking_ids
    receipt.move_ids.picked = True
    receipt._action_done()
    done.line_ids.write({"inspection_note": "Rancid smell confirmed."})
    done.line_ids.action_inspection_pass()
    done.action_done()
    # received: the cat tree is back, waiting for inspection
    received = make(
        "damaged_transit",
        [(cat_tree, 1, None)],
        description="One post arrived cracked.",
    )
    received.action_submit()
    received.action_approve()
    receipt = received.picking_ids
    receipt.move_ids.quantity = 1
    receipt.move_ids.picked = True
    receipt._action_done()
    # approved, exchange: courier pickup of lot B
    approved = make(
        "damaged_transit",
        [(kibble, 1, lot_b)],
        resolution="exchange",
        return_method="pickup",
        pickup_address_id=customer.id,
    )
    approved.action_submit()
    approved.action_approve()
    # submitted, to review
    make("no_reason", [(kibble, 2, lot_a)]).action_submit()
    # rejected: opened fresh food, changed mind
    rejected = make("changed_mind", [(chicken, 4, None)])
    rejected.action_submit()
    rejected.action_reject(
        "Opened fresh food cannot be returned without a fault on our side.",
        "A 10% coupon on your next order of fresh food.",
    )
    # draft: being prepared by the agent
    make("no_reason", [(chicken, 1, None)])
