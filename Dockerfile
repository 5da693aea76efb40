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
# scripts/warm_up.py opens the first session so that shared links to sub-pages work at once.
CMD ["sh", "-c", "python scripts/warm_up.py & exec streamlit run app.py --server.port=8501 --server.address=0.0.0.0"]
