# pet_aftersales — see README.md. Every target sets up what it needs by itself.
.PHONY: run test lint stop bench bench-peers help
help:
	@echo "make run    serve Odoo + pet_aftersales with demo data on 127.0.0.1:8069"
	@echo "make test   lint + the whole test suite (exits non-zero on any failure)"
	@echo "make lint   ruff + pylint-odoo only"
	@echo "make stop   stop the project's private PostgreSQL"
	@echo "make bench  the 1M-case benchmark (bench/)"
	@echo "make bench-peers  side by side with the OCA peers rma, rma_sale, helpdesk_mgmt"
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
.PHONY: i18n
i18n:
	@scripts/i18n.sh
