# Hugging Face Space (sdk: docker). The container runs as uid 1000 on Spaces.
FROM python:3.11-slim

# Fonts for the certificates' emoji (the text font ships in assets/fonts/).
RUN apt-get update && apt-get install -y --no-install-recommends fonts-noto-color-emoji \
    && rm -rf /var/lib/apt/lists/*
RUN useradd --create-home --uid 1000 user
WORKDIR /home/user/app
COPY --chown=user requirements.txt .
RUN pip install --no-cache-dir -r requirements.txt
COPY --chown=user . .

USER user
# HF_HUB_DISABLE_XET: the state kept on the Hub ([storage]) is committed with the LFS protocol.
ENV DATA_DIR=/home/user/app/data/cache \
    HF_HUB_DISABLE_TELEMETRY=1 \
    HF_HUB_DISABLE_XET=1 \
    STREAMLIT_SERVER_PORT=8501 \
    STREAMLIT_SERVER_ADDRESS=0.0.0.0
EXPOSE 8501
# app.py is an st.App: its lifespan starts the readers with the server (no warm-up, no side process).
CMD ["streamlit", "run", "app.py"]
