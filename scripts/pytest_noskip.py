"""pytest plugin: a skipped test fails the run.

Odoo skips browser tours silently when Chromium, websocket-client or
``--odoo-http`` is missing; a green run must mean every test really ran.
"""

import pytest


def pytest_sessionfinish(session, exitstatus):
    reporter = session.config.pluginmanager.get_plugin("terminalreporter")
    skipped = reporter.stats.get("skipped", []) if reporter else []
    if skipped and exitstatus == pytest.ExitCode.OK:
        session.exitstatus = pytest.ExitCode.TESTS_FAILED


def pytest_terminal_summary(terminalreporter):
    if terminalreporter.stats.get("skipped"):
        terminalreporter.write_line(
            "FAILED: tests were skipped (browser, websocket-client or --odoo-http "
            "missing?); a skipped test fails the run.",
            red=True,
        )
