"""Start argilla-server with the SQL-backed test search engine registered (see argilla_engine).

Run by the server's own virtualenv as a script, so this folder is on its path.
"""

import sys

import argilla_engine  # noqa: F401  (registers the engine)
import uvicorn

if __name__ == "__main__":
    uvicorn.run("argilla_server:app", host="127.0.0.1", port=int(sys.argv[1]), log_level="warning")
