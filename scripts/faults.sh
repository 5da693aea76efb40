#!/usr/bin/env bash
# The fault suite, short form (the tests marked `fault`: RELIABILITY.md lists what each does), with
# everything it needs installed and started as for the whole suite. Its full length, with the
# numbers RELIABILITY.md reports: .venv/bin/python -m bench.chaos
set -euo pipefail
cd "$(dirname "$0")/.."
exec bash scripts/test.sh -m fault "$@"
