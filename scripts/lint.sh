#!/usr/bin/env bash
# The lint gate, as scripts/test.sh (and so CI) and pre-commit (.pre-commit-config.yaml) run it;
# configured in pyproject.toml. Needs .venv with requirements-test.txt (bash scripts/test.sh makes it).
set -euo pipefail
cd "$(dirname "$0")/.."
.venv/bin/ruff check .                    # lint and import order
.venv/bin/ruff format --check .           # one formatting
.venv/bin/lint-imports --no-cache         # the layers: arrows only point down
.venv/bin/mypy                            # types (strict where pyproject.toml says)
.venv/bin/python -m scripts.i18n --check  # the catalogues in step with the code
