#!/usr/bin/env bash
# Install everything the test suite needs on a fresh machine, then run the whole suite:
#   - the system packages listed in scripts/system-packages.txt (the README shows the same list),
#     with apt-get as root or with sudo; elsewhere it says what to install and stops;
#   - .venv with requirements-test.txt, and axe-core (npm) for the accessibility audit;
#   - argilla-server 2.8.0 in its own cached virtualenv;
#   - the lint gate (scripts/lint.sh: ruff, formatting, lint-imports, mypy, the catalogues);
#   - pytest, spread over parallel workers (pytest-xdist; TEST_WORKERS, default from the cores).
set -euo pipefail
cd "$(dirname "$0")/.."
python=$(command -v python3 || command -v python || true)
[ -n "$python" ] || { echo "Python 3.11 or newer is needed, and none is on PATH." >&2; exit 1; }
"$python" scripts/check_python.py

present() {  # present KIND WHAT: is this package's mark on the machine?
  case "$1" in
    command) command -v "$2" >/dev/null || [ -x "/usr/sbin/$2" ] ;;
    file) [ -e "$2" ] ;;
    library) ldconfig -p 2>/dev/null | grep -q "$2" ;;
    module) /usr/bin/python3 -c "import $2" 2>/dev/null ;;
    *) echo "scripts/system-packages.txt: unknown check '$1'" >&2; return 1 ;;
  esac
}
need=()
while IFS='|' read -r package mark _; do
  [[ "$package" =~ ^[[:space:]]*(#|$) ]] && continue
  read -r package <<<"$package"; read -r kind what <<<"$mark"
  present "$kind" "$what" || need+=("$package")
done < scripts/system-packages.txt
if [ ${#need[@]} -gt 0 ]; then
  sudo_cmd=""; [ "$(id -u)" -eq 0 ] || sudo_cmd="sudo"
  if ! command -v apt-get >/dev/null || { [ -n "$sudo_cmd" ] && ! sudo -n true 2>/dev/null; }; then
    {
      echo "The test suite needs these system packages, which are missing: ${need[*]}"
      echo "(Debian's names; what each is for: scripts/system-packages.txt)."
      echo "This script installs them with apt-get as root or with sudo, and can do neither here:"
      echo "install them with your system's package manager, then run bash scripts/test.sh again."
    } >&2
    exit 1
  fi
  $sudo_cmd apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo_cmd apt-get install -y -qq "${need[@]}" >/dev/null
fi

# axe-core for the accessibility audit, from the npm registry (the version in tests/a11y/package-lock.json).
[ -f tests/a11y/node_modules/axe-core/axe.min.js ] || (cd tests/a11y && npm ci --no-audit --no-fund --silent)

[ -x .venv/bin/python ] || "$python" -m venv .venv
.venv/bin/pip install --quiet --disable-pip-version-check -r requirements-test.txt
.venv/bin/python -c "from tests.servers.argilla_process import ensure_server_installed; ensure_server_installed()"

# The lint gate (ruff, formatting, the layers' contracts, mypy, the catalogues) runs beside the
# suite: it is ~25 s of CPU while the suite mostly waits on real processes. Either failing fails.
lint_log=$(mktemp)
bash scripts/lint.sh >"$lint_log" 2>&1 &
lint_pid=$!

# Parallel workers (pytest-xdist), each with its own argilla-server, browser and ports; whole
# modules per worker, the long ones first (tests/conftest.py). Most of a test's time is waiting on
# real processes, so there are more workers than cores. TEST_WORKERS=0 runs in one process.
workers=${TEST_WORKERS:-$(( $(nproc) + 1 ))}
suite=0
.venv/bin/python -m pytest -n "$workers" --dist loadfile "$@" || suite=$?
lint=0
wait "$lint_pid" || lint=$?
cat "$lint_log"
rm -f "$lint_log"
if [ "$lint" -ne 0 ]; then
  echo "The lint gate failed (its output is above): bash scripts/lint.sh runs it alone." >&2
  exit "$lint"
fi
exit "$suite"
