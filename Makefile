# pet_aftersales — see README.md. Every target sets up what it needs by itself.
.PHONY: run test lint stop bench bench-peers bench-load help
help:
	@echo "make run    serve Odoo + pet_aftersales with demo data on 127.0.0.1:8069"
	@echo "make test   lint + the whole test suite (exits non-zero on any failure)"
	@echo "make lint   ruff + pylint-odoo only"
	@echo "make stop   stop the project's private PostgreSQL"
	@echo "make bench  the 1M-case benchmark (bench/)"
	@echo "make bench-peers  side by side with the OCA peers rma, rma_sale, helpdesk_mgmt"
	@echo "make bench-load   50 portal customers + 5 agents on Odoo with 4 workers (p50/p95/p99)"
run:
	@scripts/run.sh
test:
	@scripts/test.sh
lint:
	@scripts/lint.sh
stop:
	@bash -c 'source scripts/common.sh && stop_pg'
bench:
	@bench/run.sh
bench-peers:
	@bench/peers.sh
bench-load:
	@bench/portal_load.sh
.PHONY: i18n
i18n:
	@scripts/i18n.sh
