# dtks-report — monthly DTKS report of Kabupaten Dairi. `make help` lists the targets.
SHELL := /bin/bash
.DEFAULT_GOAL := help
.ONESHELL:

# Environment: the active conda env when CONDA_PREFIX is set, otherwise a local .venv.
ifdef CONDA_PREFIX
ENV_DIR := $(CONDA_PREFIX)
else
ENV_DIR := $(CURDIR)/.venv
endif
PY      := $(ENV_DIR)/bin/python
STAMP   := $(ENV_DIR)/.dtks-installed
DTKS    := $(PY) -m dtks_analysis

MONTH        ?=
MONTH_ARG    := $(if $(MONTH),--month $(MONTH),)
SAMPLE_MONTHS ?= 2023-07..2023-12
SAMPLE_SCALE  ?= 1
SAMPLE_SEED   ?= 20231
KABUPATEN     ?= 12.11
PYTEST_ARGS  ?=
BENCH_ARGS   ?=

KODE         ?=
WILAYAH_ARGS ?=

.PHONY: help setup browser sample report reports template wilayah test test-fast lint format lab bench clean

help: ## show this list
	@echo "dtks-report — laporan bulanan DTKS Kabupaten Dairi"
	@echo
	@grep -hE '^[a-zA-Z_-]+:.*?## ' $(MAKEFILE_LIST) | \
	  awk 'BEGIN {FS = ":.*?## "}; {printf "  make %-10s %s\n", $$1, $$2}'
	@echo
	@echo "  Variabel: MONTH=YYYY-MM (default: bulan terakhir yang ada), DESA=kode (make template)"

$(STAMP): pyproject.toml
ifndef CONDA_PREFIX
	@test -x $(PY) || python3 -m venv $(ENV_DIR)
endif
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e '.[dev]'
	$(PY) -m ipykernel install --sys-prefix --name dtks --display-name "Python (dtks)" > /dev/null
	@touch $(STAMP)
	@echo "[setup] lingkungan siap: $(ENV_DIR)"

browser: ## make sure a Chromium-family browser is there for the PDF
	@bash scripts/ensure_browser.sh

setup: $(STAMP) browser ## create the environment (skipped when nothing changed) and the browser

data/raw/.sample-stamp: | $(STAMP)
	@if ls data/raw/*/ > /dev/null 2>&1 && [ ! -f data/raw/.sample-stamp ] && [ -z "$(FORCE_SAMPLE)" ]; then \
	  echo "[sample] data/raw/ sudah berisi ekstrak; sampel tidak dibuat"; \
	else \
	  $(DTKS) sample --out data --months $(SAMPLE_MONTHS) --scale $(SAMPLE_SCALE) --seed $(SAMPLE_SEED) --kabupaten $(KABUPATEN); \
	fi
	@mkdir -p data/raw && echo "$(KABUPATEN)" > data/raw/.sample-stamp

# the stamp holds the kabupaten sampled: another one would mix its files with the old months
sample: data/raw/.sample-stamp ## write the synthetic sample (once) into data/raw/ [KABUPATEN=12.17]
	@kab=$$(cat data/raw/.sample-stamp); if [ -n "$$kab" ] && [ "$$kab" != "$(KABUPATEN)" ]; then \
	  echo "[sample] data/raw/ berisi sampel kabupaten $$kab, bukan $(KABUPATEN): hapus data/raw/ dan data/truth/ dulu (remove them first)"; \
	  exit 1; \
	fi

# `dtks report` scans its outputs for personal data before publishing them (and publishes
# nothing when it finds some): no second scan here. `dtks check-outputs [DIR]` scans any folder.
report: setup sample ## build the monthly report: make report [MONTH=YYYY-MM]
	$(DTKS) report $(MONTH_ARG)

reports: setup sample ## build the report of every month present
	$(DTKS) reports

# confidential workbooks (NIK, No KK) under data/templates/, never under outputs/
template: $(STAMP) ## data-entry templates per village: make template MONTH=YYYY-MM [DESA=12.11.01.1005]
	@test -n "$(MONTH)" || { echo "[template] sebutkan bulannya: make template MONTH=YYYY-MM"; exit 2; }
	$(DTKS) template --month $(MONTH) $(if $(DESA),--desa $(DESA),)

# many kabupaten on Dask (data/raw/<kode_kabupaten>/<YYYY-MM>/, docs/wilayah.md)
wilayah: setup ## laporan banyak kabupaten + rekap: make wilayah KODE=12 [MONTH=YYYY-MM] [WILAYAH_ARGS=--hanya-tabel]
	@test -n "$(KODE)" || { echo "KODE wajib: make wilayah KODE=12 (provinsi), KODE=12.11,12.15 atau KODE=ID"; exit 2; }
	$(DTKS) wilayah --kode $(KODE) $(MONTH_ARG) $(WILAYAH_ARGS)

# --dist loadfile: a test file runs on one worker, so its module fixtures (a sample, a report) are
# built once, not by both workers; samples are cached in .pytest_cache/d/dtks-samples
test: setup ## run the whole test suite (unit, integration, truth, e2e, backtests)
	$(PY) -m pytest -n 2 --dist loadfile $(PYTEST_ARGS)

test-fast: $(STAMP) ## unit tests and doctests only (tests/unit; no sample month; ~1 min on a quiet machine)
	$(PY) -m pytest -n 2 --dist loadfile -m unit $(PYTEST_ARGS)

lint: $(STAMP) ## ruff checks and notebook output check
	$(PY) -m ruff check .
	$(PY) -m ruff format --check .
	$(PY) -m nbstripout --verify notebooks/*.ipynb

format: $(STAMP) ## format the code with ruff, strip notebook outputs
	$(PY) -m ruff check --fix .
	$(PY) -m ruff format .
	$(PY) -m nbstripout notebooks/*.ipynb

# rooted at the project (outputs/, params/, data/interim/<bulan>/tabel/ in reach), opening on notebooks/
lab: $(STAMP) ## JupyterLab on 127.0.0.1 with the dtks kernel, at the project root, notebooks/ first
	$(PY) -m jupyter lab --ip 127.0.0.1 --no-browser --ServerApp.root_dir=$(CURDIR) \
	  --FileContentsManager.preferred_dir=notebooks --LabApp.default_url=/lab/tree/notebooks \
	  --MultiKernelManager.default_kernel_name=dtks $(if $(filter 0,$(shell id -u)),--allow-root,)

# the long ones (fresh: a clone's first make report; tests: make test) run too: BENCH_ARGS="--skip fresh,tests"
bench: setup ## run the benchmarks and the table of targets [BENCH_ARGS="--only sample" or "--skip fresh,tests"]
	$(PY) bench/run_all.py $(BENCH_ARGS)

clean: ## remove outputs, interim data and caches (raw extracts are kept)
	rm -rf outputs/*/ outputs/.*.staging-* data/interim data/corrections data/templates
	rm -rf .pytest_cache .ruff_cache .hypothesis
	find . -name __pycache__ -type d -prune -exec rm -rf {} +
