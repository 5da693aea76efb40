"""Say plainly when this Python is too old for the dashboard, before anything is installed.

    python3 scripts/check_python.py && ...

The first step of both of the README's commands. The version needed is `requires-python` in
pyproject.toml (its one declaration). Written for any Python 3 (and 2.7): no f-strings, no
tomllib, since its whole point is to run on an interpreter that is too old.
"""

import os
import re
import sys

PYPROJECT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "pyproject.toml")


def needed():
    with open(PYPROJECT) as handle:
        found = re.search(r'^requires-python\s*=\s*">=\s*(\d+)\.(\d+)"', handle.read(), re.M)
    if found is None:
        raise SystemExit("pyproject.toml states no requires-python")
    return int(found.group(1)), int(found.group(2))


def main():
    want = needed()
    if sys.version_info[:2] >= want:
        return 0
    message = (
        "Python {}.{} or newer is needed; this is {}.{} ({}).\n"
        "Install a newer one (Debian/Ubuntu: apt-get install python3.11 python3.11-venv; or pyenv) and run\n"
        "the command again with it first on PATH (or as python3.11).\n"
    )
    sys.stderr.write(message.format(want[0], want[1], sys.version_info[0], sys.version_info[1], sys.executable))
    return 1


if __name__ == "__main__":
    sys.exit(main())
