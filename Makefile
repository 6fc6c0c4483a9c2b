# The two commands a newcomer needs: `make run` and `make test`.
# Both build .venv from requirements.txt when it is missing or older than requirements.txt.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed

.PHONY: run test test-pooler lint bench demo clean-venv

# PostgreSQL tests run again through a transaction-mode PgBouncer (as behind Supabase's pooler): a
# representative subset of the store, service and end-to-end tests (all of them: see README, "pooler").
POOLER_TESTS := tests/testing/test_pgbouncer.py tests/store/repos/test_ledger.py tests/store/repos/test_rewards.py \
	tests/store/repos/test_drops.py tests/store/repos/test_perks.py tests/services/rewards/test_writer.py \
	tests/services/rewards/test_config_across_processes.py \
	tests/e2e/test_bad_input.py tests/e2e/test_resilience.py tests/e2e/test_streak_bonus_time.py \
	tests/discord/cogs/test_perks.py::test_concurrent_buyers_cannot_oversell

$(STAMP): requirements.txt
	@test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --disable-pip-version-check -r requirements.txt
	@touch $(STAMP)

run: $(STAMP)
	$(PY) bot.py

demo: $(STAMP)
	$(PY) bot.py --demo

# Two workers, each taking whole test files (a file's tests may share its module's counters): the suite
# waits on subprocesses and PostgreSQL as much as it computes (7.5 min instead of 14 on 2 cores).
test: $(STAMP)
	$(PY) -m pytest -n 2 --dist loadfile
	$(MAKE) --no-print-directory test-pooler

test-pooler: $(STAMP)
	LOYALTEEZ_TEST_PG_VIA=pgbouncer $(PY) -m pytest -q -k "not sqlite" $(POOLER_TESTS)

lint: $(STAMP)
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/mypy

bench: $(STAMP)
	$(PY) -m bench

clean-venv:
	rm -rf $(VENV)
