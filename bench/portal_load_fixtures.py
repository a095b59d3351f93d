# Run inside `odoo shell` by bench/portal_load.sh: portal customers with their
# own cases, pets and a delivered order; agents of the demo team.
import os

from odoo import Command

customers = int(os.environ["PA_LOAD_CUSTOMERS"])
agents = int(os.environ["PA_LOAD_AGENTS"])
portal = env.ref("base.group_portal")  # noqa: F821 - odoo shell
agent_group = env.ref("pet_aftersales.pet_aftersales_group_agent")  # noqa: F821
team = env.ref("pet_aftersales.aftersales_team_customer_service")  # noqa: F821
category = env.ref("pet_aftersales.aftersales_category_delivery")  # noqa: F821
product = env["product.product"].create(  # noqa: F821
    {"name": "Load kibble 2 kg", "type": "consu", "is_storable": True, "list_price": 30}
)
Users = env["res.users"].with_context(no_reset_password=True)  # noqa: F821
staff = Users.create(
    [
        {
            "name": f"Load Agent {i}",
            "login": f"load_agent_{i}",
            "password": f"load_agent_{i}",
            "groups_id": [Command.set([env.ref("base.group_user").id, agent_group.id])],  # noqa: F821
        }
        for i in range(agents)
    ]
)
team.member_ids = [Command.link(user.id) for user in staff]
users = Users.create(
    [
        {
            "name": f"Load Customer {i}",
            "login": f"load_portal_{i}",
            "password": f"load_portal_{i}",
            "email": f"load.customer.{i}@example.com",
            "groups_id": [Command.set(portal.ids)],
        }
        for i in range(customers)
    ]
)
partners = users.partner_id
env["pet.profile"].create(  # noqa: F821
    [
        {"name": f"Pet {i}", "partner_id": p.id, "species": "cat"}
        for i, p in enumerate(partners)
    ]
)
env["aftersales.case"].create(  # noqa: F821
    [
        {
            "name": f"Torn bag {i}-{n}",
            "partner_id": p.id,
            "team_id": team.id,
            "category_id": category.id,
        }
        for i, p in enumerate(partners)
        for n in range(2)
    ]
)
orders = env["sale.order"].create(  # noqa: F821
    [
        {
            "partner_id": p.id,
            "order_line": [
                Command.create({"product_id": product.id, "product_uom_qty": 2})
            ],
        }
        for p in partners
    ]
)
orders.action_confirm()
env.cr.commit()  # noqa: F821
