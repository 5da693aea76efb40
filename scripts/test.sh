#!/usr/bin/env bash
# Install everything the test suite needs on a fresh machine, then run the whole suite.
#   - Debian packages: redis-server (for argilla-server), nginx (scripts/serve's proxy), chromium (browser tests), poppler-utils
#     (pdftotext/pdftoppm read the certificates back), the emoji font the certificates use, and python3-venv (the
#     image's steps followed by tests/test_image.py, as the Space's user), tesseract-ocr and zbar-tools (the cards and
#     the certificates' QR codes read back), libfribidi0 (Pillow's layout of right-to-left names);
#   - .venv with requirements-test.txt, and axe-core (npm) for the accessibility audit;
#   - the lint gate (ruff check, ruff format --check, lint-imports);
#   - argilla-server 2.8.0 in its own cached virtualenv (done by the pytest fixture on first use).
set -euo pipefail
cd "$(dirname "$0")/.."

need=()
command -v redis-server >/dev/null || need+=(redis-server)
command -v nginx >/dev/null || [ -x /usr/sbin/nginx ] || need+=(nginx)
command -v chromium >/dev/null || need+=(chromium)
command -v pdftotext >/dev/null || need+=(poppler-utils)
[ -f /usr/share/fonts/truetype/noto/NotoColorEmoji.ttf ] || need+=(fonts-noto-color-emoji)
/usr/bin/python3 -c "import ensurepip" 2>/dev/null || need+=(python3-venv)  # tests/test_image.py, as uid 1000
command -v tesseract >/dev/null || need+=(tesseract-ocr)  # reads the picture cards back
command -v zbarimg >/dev/null || need+=(zbar-tools)  # reads the certificates' QR codes back
ldconfig -p | grep -q libfribidi || need+=(libfribidi0)  # Pillow's text layout (right-to-left names)
if [ ${#need[@]} -gt 0 ]; then
  sudo_cmd=""; [ "$(id -u)" -eq 0 ] || sudo_cmd="sudo"
  $sudo_cmd apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo_cmd apt-get install -y -qq "${need[@]}" >/dev/null
fi

# axe-core for the accessibility audit, from the npm registry (the version in tests/a11y/package-lock.json).
[ -f tests/a11y/node_modules/axe-core/axe.min.js ] || (cd tests/a11y && npm ci --no-audit --no-fund --silent)

[ -x .venv/bin/python ] || python3 -m venv .venv
.venv/bin/pip install --quiet --disable-pip-version-check -r requirements-test.txt
.venv/bin/python -c "from tests.servers.argilla_process import ensure_server_installed; ensure_server_installed()"

# The lint gate (configured in pyproject.toml): import order, one line length, formatting, and the
# layering contracts (import-linter: arrows only point down).
.venv/bin/ruff check .
.venv/bin/ruff format --check .
.venv/bin/lint-imports --no-cache

exec .venv/bin/python -m pytest "$@"
