# Set-up and everyday commands. `make demo` and `make test` are all a fresh machine needs.
PYTHON ?= python3
# CKAN=2.11 works in its own .venv-2.11 with CKAN 2.11's pins (requirements/ckan-2.11.txt); 2.12 is the default.
CKAN ?= 2.12
ifeq ($(CKAN),2.12)
VENV ?= .venv
CKAN_PINS := requirements/ckan.txt
else
VENV ?= .venv-$(CKAN)
CKAN_PINS := requirements/ckan-$(CKAN).txt
# Its own embedded databases (.openup-2.11) too: a database 2.12 has migrated never meets 2.11's migrations.
export OPENUP_HOME ?= $(CURDIR)/.openup-$(CKAN)
endif
INSTALLED := $(VENV)/.installed

.PHONY: demo test lint conformance search-parity benchmarks i18n

$(INSTALLED): setup.py requirements/base.txt $(CKAN_PINS) requirements/dev.txt
	$(PYTHON) -m venv $(VENV)
	$(VENV)/bin/pip install --quiet --upgrade pip setuptools wheel
	$(VENV)/bin/pip install --quiet -r $(CKAN_PINS) -r requirements/dev.txt -e ".[ckan]"
	touch $(INSTALLED)

## demo: install into .venv and start the demo catalogue on http://127.0.0.1:5000 (Ctrl-C stops it)
demo: $(INSTALLED)
	$(VENV)/bin/openup demo

## test: lint, then the default test legs of tests/legs.py side by side (A: CKAN 2.12 + openup_search, the whole
## suite; C: CKAN 2.12 + SolrCloud, a subset; B, CKAN 2.11 + Solr, with LEGS=B), ending with one line per
## leg; LEGS=A runs one leg, SIDE_BY_SIDE= runs them one after the other.
SIDE_BY_SIDE ?= --side-by-side
## CKAN=2.11 (or CKAN=2.12): the whole suite on that CKAN version alone, in its own virtual environment.
ifeq ($(origin CKAN),file)
test: $(INSTALLED) .venv-2.11/.installed
	$(VENV)/bin/ruff check .
	$(PYTHON) tests/legs.py $(SIDE_BY_SIDE) $(LEGS)
else
test: $(INSTALLED)
	$(VENV)/bin/ruff check .
	$(PYTHON) tests/legs.py --ckan $(CKAN)
endif

ifneq ($(CKAN),2.11)
# Leg B's virtual environment, built by the rule above with CKAN 2.11's pins.
.venv-2.11/.installed: setup.py requirements/base.txt requirements/ckan-2.11.txt requirements/dev.txt
	$(MAKE) CKAN=2.11 $@
endif

lint: $(INSTALLED)
	$(VENV)/bin/ruff check .

## conformance: CKAN's own search-dependent tests against openup_search; ends with "N passed, M failed"
conformance: $(INSTALLED)
	$(VENV)/bin/python -m tests.conformance.run

## search-parity: one generated catalogue and 2,000 package_search calls on Solr and on openup_search,
## compared; ends with "N queries, M disagreements" (tests/parity/run.py --help)
search-parity: $(INSTALLED)
	$(VENV)/bin/python -m tests.parity.run

## benchmarks: every benchmark, each printing its figures beside the alternative a user would pick;
## all run even when one misses its target, and the exit status says whether any did
BENCHMARKS := search invoices check feed rows spending
benchmarks: $(INSTALLED)
	@missed=""; for name in $(BENCHMARKS); do \
		$(VENV)/bin/python benchmarks/$$name.py || missed="$$missed $$name"; \
	done; \
	if [ -n "$$missed" ]; then echo "Targets missed:$$missed"; exit 1; fi

## i18n: collect the texts to translate, update the sv and fi catalogues, compile them (commit the .po and .mo)
I18N := ckanext-openup/ckanext/openup/i18n
i18n: $(INSTALLED)
	$(VENV)/bin/pybabel extract -F ckanext-openup/babel.cfg --no-location --sort-output --project ckanext-openup \
		-o $(I18N)/ckanext-openup.pot ckanext-openup/ckanext/openup
	$(VENV)/bin/pybabel update -D ckanext-openup -i $(I18N)/ckanext-openup.pot -d $(I18N) --no-fuzzy-matching
	$(VENV)/bin/pybabel compile -D ckanext-openup -d $(I18N) --statistics
	# The openup command's own catalogue: its messages and the procurement checks' (loads without CKAN).
	$(VENV)/bin/pybabel extract --no-location --sort-output --project ckanext-openup -k report:5 \
		-o $(I18N)/openup-cli.pot ckanext-openup/ckanext/openup/cli ckanext-openup/ckanext/openup/procurement \
		ckanext-openup/ckanext/openup/publishing
	$(VENV)/bin/pybabel update -D openup-cli -i $(I18N)/openup-cli.pot -d $(I18N) --no-fuzzy-matching
	$(VENV)/bin/pybabel compile -D openup-cli -d $(I18N) --statistics
