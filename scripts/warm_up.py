"""Open one session on a freshly started dashboard so the first visitor's link works.

Streamlit 1.67 runs the very first session of a process in its legacy `pages/` mode, so a first
visit straight to a sub-page (`/mi-posicion?user=...`) gets a "Page not found" dialog; every
later session uses `st.navigation`. This script is that first session (and it also pays the
imports and the snapshot load). The Dockerfile runs it beside `streamlit run`.

    python scripts/warm_up.py [url]
"""

import asyncio
import sys
import time

import websockets
from streamlit.proto.BackMsg_pb2 import BackMsg
from streamlit.proto.ForwardMsg_pb2 import ForwardMsg


async def warm_up(url: str, deadline: float) -> bool:
    while time.monotonic() < deadline:
        try:
            async with websockets.connect(
                url.replace("http", "ws", 1) + "/_stcore/stream", subprotocols=["streamlit"], max_size=None
            ) as socket:
                message = BackMsg()
                message.rerun_script.query_string = ""
                await socket.send(message.SerializeToString())
                while True:
                    forward = ForwardMsg.FromString(await asyncio.wait_for(socket.recv(), 60))
                    if forward.WhichOneof("type") == "script_finished":
                        return True
        except (TimeoutError, OSError, websockets.WebSocketException):
            await asyncio.sleep(1)
    return False


if __name__ == "__main__":
    target = sys.argv[1] if len(sys.argv) > 1 else "http://127.0.0.1:8501"
    sys.exit(0 if asyncio.run(warm_up(target, time.monotonic() + 120)) else 1)
