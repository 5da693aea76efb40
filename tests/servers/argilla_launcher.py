"""Start argilla-server with the SQL-backed test search engine registered (see argilla_engine)."""
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import argilla_engine  # noqa: E402,F401  (registers the engine)
import uvicorn  # noqa: E402

if __name__ == "__main__":
    uvicorn.run("argilla_server:app", host="127.0.0.1", port=int(sys.argv[1]), log_level="warning")
