# pet_aftersales — see README.md. Every target first runs `make setup` once
# (Debian packages, the virtualenv): again only when requirements.txt or
# scripts/setup.sh change. Nothing else installs anything.
.PHONY: setup run test lint stop bench bench-peers bench-load help i18n
PA_CACHE ?= $(if $(filter 0,$(shell id -u)),/var/cache/pet_aftersales,$(or $(XDG_CACHE_HOME),$(HOME)/.cache)/pet_aftersales)
SETUP_DONE := $(PA_CACHE)/.setup-done
help:
	@echo "make setup  install what the project needs (Debian packages, virtualenv), once"
	@echo "make run    serve Odoo + pet_aftersales with demo data on 127.0.0.1:8069"
	@echo "make test   lint + the whole test suite (exits non-zero on any failure)"
	@echo "make lint   ruff + pylint-odoo only"
	@echo "make stop   stop the project's private PostgreSQL"
	@echo "make bench  the 1M-case benchmark (bench/)"
	@echo "make bench-peers  side by side with the OCA peers rma, rma_sale, helpdesk_mgmt"
	@echo "make bench-load   50 portal customers + 5 agents on Odoo with 4 workers (p50/p95/p99)"
$(SETUP_DONE): requirements.txt scripts/setup.sh
	@scripts/setup.sh && touch "$@"
setup:
	@scripts/setup.sh && touch "$(SETUP_DONE)"
run: $(SETUP_DONE)
	@scripts/run.sh
test: $(SETUP_DONE)
	@scripts/test.sh
lint: $(SETUP_DONE)
	@scripts/lint.sh
stop:
	@bash -c 'source scripts/common.sh && stop_pg'
bench: $(SETUP_DONE)
	@bench/run.sh
bench-peers: $(SETUP_DONE)
	@bench/peers.sh
bench-load: $(SETUP_DONE)
	@bench/portal_load.sh
i18n: $(SETUP_DONE)
	@scripts/i18n.sh
