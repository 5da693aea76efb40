# Hugging Face Space (sdk: docker). The container runs as uid 1000 on Spaces.
FROM python:3.11-slim

# nginx: the sticky proxy in front of the Streamlit processes (scripts/serve); the emoji font for
# the certificates (the text font ships in assets/fonts/).
RUN apt-get update && apt-get install -y --no-install-recommends nginx fonts-noto-color-emoji \
    && rm -rf /var/lib/apt/lists/*
RUN useradd --create-home --uid 1000 user
WORKDIR /home/user/app
COPY --chown=user requirements.txt .
RUN pip install --no-cache-dir -r requirements.txt
COPY --chown=user . .

USER user
# HF_HUB_DISABLE_XET: the state kept on the Hub ([storage]) is committed with the LFS protocol.
# WORKERS is the number of cores unless set (a Space's variable can set it).
ENV DATA_DIR=/home/user/app/data/cache \
    HF_HUB_DISABLE_TELEMETRY=1 \
    HF_HUB_DISABLE_XET=1 \
    PORT=8501 \
    STREAMLIT_SERVER_PORT=8501 \
    STREAMLIT_SERVER_ADDRESS=0.0.0.0
EXPOSE 8501
# scripts/serve: nginx on PORT, WORKERS Streamlit processes (one writer), supervised by supervisord.
CMD ["scripts/serve"]
