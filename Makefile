# Two commands for a fresh machine: `make run` (the app on the embedded data) and `make test`.
PY      ?= python3
VENV    := .venv
BIN     := $(VENV)/bin
DB      := data/khuyencong.duckdb
PORT    ?= 8501
REPLICAS ?= 2
SERVE_PORT ?= 8500

.PHONY: run test build check setup setup-dev browser tools nginx bench loadtest serve clean

$(BIN)/python:
	@echo "==> Tạo môi trường Python $(VENV) / Creating the Python environment $(VENV)"
	$(PY) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip

$(VENV)/.runtime: requirements.txt | $(BIN)/python
	@echo "==> Cài các gói Python (requirements.txt), lần đầu mất vài phút / Installing Python packages, a few minutes the first time"
	$(BIN)/pip install -q -r requirements.txt
	touch $@

$(VENV)/.dev: requirements-dev.txt $(VENV)/.runtime
	$(BIN)/pip install -q -r requirements-dev.txt
	touch $@

setup: $(VENV)/.runtime
setup-dev: $(VENV)/.dev

# rebuilt when missing or older than what it is built from
INPUTS  := $(wildcard data/reference/*.csv data/published/*.csv data/geo/*.csv etl/*.py etl/*/*.py etl/*.sql)

$(DB): $(VENV)/.runtime $(INPUTS)
	@echo "==> Dựng kho dữ liệu $(DB) từ data/ / Building the warehouse $(DB) from data/"
	$(BIN)/python -m etl build --db $(DB)

build: $(VENV)/.runtime
	$(BIN)/python -m etl build --db $(DB)

check: $(DB)
	$(BIN)/python -m etl check --db $(DB)

run: $(DB) tools
	$(BIN)/python -m dashboard.auth ensure-default
	@echo "==> Khởi động ứng dụng tại / Starting the app at http://127.0.0.1:$(PORT)  (Ctrl+C để dừng / to stop; cổng khác / another port: make run PORT=8600)"
	$(BIN)/python -m dashboard.serve run app.py --server.address 127.0.0.1 --server.port $(PORT) --server.headless true

# What the PNG, deck and report exports need outside Python (dashboard/tools.py knows the list): installed with
# apt-get when run as root on Debian/Ubuntu; otherwise a message says what is missing and the command, and the app
# starts anyway (its pages say the same to users).
tools: $(VENV)/.runtime
	@if ! $(BIN)/python -m dashboard.tools --quiet; then \
	  if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
	    echo "==> Cài $$($(BIN)/python -m dashboard.tools --packages) (apt-get, vài phút / a few minutes)"; \
	    (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $$($(BIN)/python -m dashboard.tools --packages)) \
	      || $(BIN)/python -m dashboard.tools || true; \
	  else $(BIN)/python -m dashboard.tools || true; fi; \
	fi

# Debian's Chromium drives the browser tests and kaleido's static images (no browser download here).
browser:
	@(command -v chromium && command -v soffice && command -v pdftoppm && test -e /usr/lib/libreoffice/program/libswlo.so) >/dev/null || (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium fonts-noto-core poppler-utils libreoffice-impress-nogui libreoffice-writer-nogui)

# nginx (Debian package) in front of the replicas of `make serve`; the tests check its generated configuration.
nginx:
	@(command -v nginx || test -x /usr/sbin/nginx) >/dev/null || (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq nginx)

test: $(VENV)/.dev browser nginx
	$(BIN)/python -m pytest -q tests

bench: $(VENV)/.dev $(DB)
	$(BIN)/python bench/run.py

# 30 sessions for 60 s against one `streamlit run`, then through nginx with 1 and 2 replicas (about 6 minutes)
loadtest: $(VENV)/.dev nginx $(DB)
	$(BIN)/python bench/load.py --sessions 30 --seconds 60
	$(BIN)/python bench/load.py --sessions 30 --seconds 60 --via-nginx --replicas 1,2

# REPLICAS Streamlit processes behind nginx on http://127.0.0.1:$(SERVE_PORT) (sticky sessions); Ctrl-C stops all
serve: $(DB) nginx
	$(BIN)/python -m dashboard.auth ensure-default
	$(BIN)/python -m deploy.serve --replicas $(REPLICAS) --port $(SERVE_PORT)

clean:
	rm -f $(DB)
