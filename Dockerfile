# Hugging Face Space (sdk: docker). The container runs as uid 1000 on Spaces.
# tests/test_image.py follows these steps on the test machine (no image builder can run there).
FROM python:3.11-slim

# nginx: the sticky proxy in front of the Streamlit processes (scripts/serve); the emoji font for
# the certificates and cards (the text font ships in assets/fonts/); FriBiDi for Pillow's layout of
# right-to-left names on the cards.
RUN apt-get update && apt-get install -y --no-install-recommends nginx fonts-noto-color-emoji fonts-noto-core fonts-noto-cjk libfribidi0 \
    && rm -rf /var/lib/apt/lists/*
RUN useradd --create-home --uid 1000 user
WORKDIR /home/user/app
COPY requirements.txt .
RUN pip install --no-cache-dir -r requirements.txt
COPY . .
# The code stays root's, read-only to the app: it writes only in DATA_DIR (snapshots, and
# scripts/serve's run folder) and its HOME.
RUN python -m compileall -q . && python -m scripts.serve --precompress \
    && mkdir -p data/cache && chown 1000:1000 data/cache

USER 1000
# HF_HUB_DISABLE_XET: the state kept on the Hub ([storage]) is committed with the LFS protocol.
# WORKERS is the number of cores unless set (a Space's variable can set it).
ENV DATA_DIR=/home/user/app/data/cache \
    HF_HUB_DISABLE_TELEMETRY=1 \
    HF_HUB_DISABLE_XET=1 \
    PYTHONDONTWRITEBYTECODE=1 \
    PORT=8501 \
    STREAMLIT_SERVER_PORT=8501 \
    STREAMLIT_SERVER_ADDRESS=0.0.0.0
EXPOSE 8501
# scripts/serve: nginx on PORT, WORKERS Streamlit processes (one writer), supervised by supervisord.
CMD ["scripts/serve"]
