# rtcm-xblocks: `make run` starts the XBlock SDK workbench, `make test` runs every test.
# Each target creates or updates the project virtualenv from the project's own files first.

PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
WORKBENCH_SETTINGS := workbench_site.settings
PORT ?= 8000

.PHONY: run test test-python browser gettext course bench clean extract_translations compile_translations check_translations \
	extract_course_translations check_course_translations

$(STAMP): setup.py requirements/dev.txt
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip
	$(BIN)/pip install -q -r requirements/dev.txt
	$(BIN)/pip install -q --no-deps -e .
	touch $(STAMP)

var:
	mkdir -p var

run: $(STAMP) var
	$(BIN)/python -m django migrate --run-syncdb --settings=$(WORKBENCH_SETTINGS) -v 0
	$(BIN)/python -m django rtcm_demo_cohort --settings=$(WORKBENCH_SETTINGS)
	$(BIN)/python -m django rtcm_seed_roadmap --settings=$(WORKBENCH_SETTINGS)
	@echo "Workbench: http://127.0.0.1:$(PORT)/  (add ?student=staff to any page to see it as staff;"
	@echo "the regional roadmap: http://127.0.0.1:$(PORT)/rtcm/roadmap/?student=staff)"
	$(BIN)/python -m django runserver 127.0.0.1:$(PORT) --settings=$(WORKBENCH_SETTINGS)

# Debian's chromium and chromedriver for the browser tests; no test tool downloads its own browser.
browser:
	@if ! command -v chromium >/dev/null || ! command -v chromedriver >/dev/null; then \
		SUDO=$$(test "$$(id -u)" = 0 || echo sudo); \
		$$SUDO apt-get update -qq && $$SUDO apt-get install -y -qq chromium chromium-driver; \
	fi

# Debian's gettext: msgfmt, which Open edX compiles pulled catalogues with (tests/common/test_i18n_oep58.py).
gettext:
	@if ! command -v msgfmt >/dev/null; then \
		SUDO=$$(test "$$(id -u)" = 0 || echo sudo); \
		$$SUDO apt-get update -qq && $$SUDO apt-get install -y -qq gettext; \
	fi

test: $(STAMP) browser gettext var
	$(BIN)/python -m pytest

# Supported versions (README): the wheel, in a fresh virtualenv per Python/XBlock/Django cell, runs the suite.
.PHONY: test-matrix
test-matrix: $(STAMP) browser var
	$(BIN)/python scripts/test_matrix.py

# One tarball per language: English from course_content/, each other from conf/course/<lang>/LC_MESSAGES/course.po;
# the catalogue check runs first and stops the build when one is stale, incomplete or breaks the markup.
course: $(STAMP) check_course_translations
	$(BIN)/python scripts/build_course.py

# The course's text (docs/TRANSLATIONS.md, "The starter course"): extract into conf/course/course.pot and update
# every conf/course/<lang>/LC_MESSAGES/course.po; check that each is complete and keeps the markup.
extract_course_translations: $(STAMP)
	$(BIN)/python scripts/course_i18n.py extract

check_course_translations: $(STAMP)
	$(BIN)/python scripts/course_i18n.py check

# Benchmarks against the peer blocks, which live in their own virtualenv (see bench/requirements.txt).
BENCH_VENV := .venv-bench
$(BENCH_VENV)/.installed: setup.py requirements/dev.txt bench/requirements.txt
	test -x $(BENCH_VENV)/bin/python || $(PYTHON) -m venv $(BENCH_VENV)
	$(BENCH_VENV)/bin/pip install -q -r bench/requirements.txt
	$(BENCH_VENV)/bin/pip install -q --no-deps -e .
	touch $@

bench: $(BENCH_VENV)/.installed var
	$(BENCH_VENV)/bin/python -m bench

# Translations (docs/TRANSLATIONS.md, OEP-58 layout): Babel extracts the messages into rtcm_xblocks/conf/locale
# (django.po, djangojs.po) and updates every language; compiling writes the .mo files and
# static/js/translations/<lang>/djangojs.js.
extract_translations: $(STAMP)
	$(BIN)/python scripts/i18n_extract.py

compile_translations: $(STAMP)
	$(BIN)/python scripts/i18n_compile.py

check_translations: $(STAMP)
	$(BIN)/python scripts/i18n_extract.py --check

clean:
	rm -rf $(VENV) $(BENCH_VENV) var dist build *.egg-info
