"""Shared helpers of the benchmark scripts: open an Odoo environment on the
bench database from an Odoo configuration file."""

import argparse
import contextlib

import odoo
from odoo import SUPERUSER_ID, api


def parse_args(description):
    parser = argparse.ArgumentParser(description=description)
    parser.add_argument("-c", "--config", required=True, help="Odoo config file")
    parser.add_argument("-d", "--database", default="pa_bench")
    return parser.parse_args()


@contextlib.contextmanager
def environment(args):
    odoo.tools.config.parse_config(["-c", args.config, "-d", args.database])
    registry = odoo.modules.registry.Registry(args.database)
    with registry.cursor() as cr:
        yield api.Environment(cr, SUPERUSER_ID, {"lang": "en_US"})
