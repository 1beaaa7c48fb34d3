# Botify course: `make demo` runs the whole course loop, `make test` runs every test.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed
DATA ?= data
LOGS ?= log
PORT ?= 5000
EXPERIMENT ?= COLLABORATIVE
EPISODES ?= 1000

.PHONY: setup setup-spark lint test test-quick demo kernel lab student world serve sim report grade clean

setup: $(STAMP)

# Re-installs only when the pins or the package metadata change, so a second run is instant.
$(STAMP): requirements.txt pyproject.toml
	@$(PYTHON) -c 'import sys; sys.exit(sys.version_info < (3, 10))' || \
		{ echo "error: Python >= 3.10 is needed as '$(PYTHON)' (try: make PYTHON=python3.11 ...)"; exit 1; }
	@test -x $(PY) || $(PYTHON) -m venv $(VENV) || \
		{ echo "error: '$(PYTHON) -m venv' failed; on Debian/Ubuntu: sudo apt install python3-venv"; exit 1; }
	$(PY) -m pip install --quiet -r requirements.txt
	$(PY) -m pip install --quiet --no-deps --no-build-isolation -e .
	@# nbgrader is here only for its preprocessors (make student): keep its JupyterLab menus and server pages off
	@for extension in formgrader validate_assignment assignment_list course_list; do \
		$(VENV)/bin/jupyter server extension disable --sys-prefix nbgrader.server_extensions.$$extension >/dev/null 2>&1 || true; done
	@$(VENV)/bin/jupyter labextension disable --level=sys_prefix @jupyter/nbgrader >/dev/null 2>&1 || true
	@touch $(STAMP)
	@echo "ok: $(VENV) is ready"

# import order, unused names, line length <= 110, pyflakes (pyproject.toml); before any test runs
lint: setup
	$(VENV)/bin/ruff check

test: setup setup-spark lint
	$(PY) -m pytest

# the tests that start no process: a quick check while working (see tests/README.md)
test-quick: setup lint
	$(PY) -m pytest -m "not slow and not notebook and not browser"

demo: setup
	$(VENV)/bin/botify demo --data $(DATA) --logs $(LOGS) --port $(PORT)

kernel: setup
	$(PY) -m ipykernel install --user --name botify --display-name "Botify (.venv)"

# root (a container, a CI box) must say so explicitly to Jupyter
lab: kernel
	$(VENV)/bin/jupyter lab --ip 127.0.0.1 --notebook-dir seminars $(if $(filter 0,$(shell id -u)),--allow-root)

# the student edition: every seminar with its solutions replaced by stubs, into student/ (ignored by git)
student: setup
	$(PY) -m botify.student_edition --out student

world: setup
	$(VENV)/bin/sim world --out $(DATA) --seed 31337

serve: setup
	$(VENV)/bin/botify serve --data $(DATA) --port $(PORT) --experiment $(EXPERIMENT) --log-dir $(LOGS)

sim: setup
	$(VENV)/bin/sim run --world $(DATA) --episodes $(EPISODES) --url http://127.0.0.1:$(PORT)

report: setup
	$(VENV)/bin/botify report --logs $(LOGS) --experiment $(EXPERIMENT) --out reports/$(EXPERIMENT)

# grade a homework: make grade HW=1 [SUBMISSION=path/to/folder] (see homework/README.md)
HW ?= 1
SUBMISSION ?= homework/hw$(HW)
GRADE_PORT ?= 5071
grade: setup
	$(VENV)/bin/botify grade $(SUBMISSION) --assignment homework/hw$(HW) --port $(GRADE_PORT)

clean:
	rm -rf $(LOGS) reports .pytest_cache

# Lecture decks (slides/README.md): every slides/NN_topic.md into one self-contained HTML file under slides/build/.
.PHONY: slides slides-lab setup-browser
slides: setup
	$(PY) slides/render.py

# JupyterLab on slides/: open a deck with "Open With > Jupytext Notebook", then RISE's slideshow button presents it live
slides-lab: kernel
	$(VENV)/bin/jupyter lab --ip 127.0.0.1 --notebook-dir slides $(if $(filter 0,$(shell id -u)),--allow-root)

# Debian's chromium for the decks' render test: installed only if missing, and only as root with apt;
# elsewhere the test skips with a reason (install Chromium or Chrome yourself to run it).
setup-browser:
	@if command -v chromium >/dev/null 2>&1 || command -v chromium-browser >/dev/null 2>&1 || command -v google-chrome >/dev/null 2>&1; then :; \
	elif [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then \
		echo "installing Debian's chromium for the slides test"; \
		apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null; \
	else echo "note: no Chromium and no root apt-get: the slides render test will be skipped"; fi

test: setup-browser

# Debian's bubblewrap: the sandbox botify grade runs a submission's code in (botify/sandbox.py). Installed
# only if missing, and only as root with apt; elsewhere grading says plainly that it is not isolated.
.PHONY: setup-sandbox
setup-sandbox:
	@if command -v bwrap >/dev/null 2>&1; then :; \
	elif [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then \
		echo "installing Debian's bubblewrap for the grader's sandbox"; \
		apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq bubblewrap >/dev/null; \
	else echo "note: no bubblewrap and no root apt-get: grades will say they are not isolated"; fi

test: setup-sandbox
grade: setup-sandbox

# The optional Spark extra for seminar 6 (a 430 MB download, about 30 s): pyspark, which also needs Java 17+.
SPARK_STAMP := $(VENV)/.spark-installed
setup-spark: $(SPARK_STAMP)

$(SPARK_STAMP): $(STAMP) requirements-spark.txt
	$(PY) -m pip install --quiet -r requirements-spark.txt
	@touch $@
	@$(PY) -c 'from botify.analysis.spark_ab import spark_problem; print(spark_problem() or "ok: Spark is ready")'
