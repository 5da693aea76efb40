# Hugging Face Space (sdk: docker). The container runs as uid 1000 on Spaces.
FROM python:3.11-slim

RUN useradd --create-home --uid 1000 user
WORKDIR /home/user/app
COPY --chown=user requirements.txt .
RUN pip install --no-cache-dir -r requirements.txt
COPY --chown=user . .

USER user
ENV DATA_DIR=/home/user/app/data/cache \
    HF_HUB_DISABLE_TELEMETRY=1
EXPOSE 8501
CMD ["streamlit", "run", "app.py", "--server.port=8501", "--server.address=0.0.0.0"]
