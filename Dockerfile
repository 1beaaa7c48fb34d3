# botify service image: only what the web service needs (no torch, pandas or lightfm).
# Untested here (no Docker engine on the build machine); see botify/README.md.
FROM python:3.11-slim

WORKDIR /app
COPY requirements.txt pyproject.toml README.md ./
# the service's own pins, taken from requirements.txt so versions never drift
RUN grep -E '^(flask|gunicorn|redis|mmh3|requests)==' requirements.txt > service-requirements.txt \
    && pip install --no-cache-dir -r service-requirements.txt
COPY botify ./botify
RUN pip install --no-cache-dir --no-deps .

EXPOSE 5000
# 0.0.0.0 inside the container; docker-compose publishes it on the host's 127.0.0.1 only
CMD ["botify", "serve", "--data", "/data", "--host", "0.0.0.0", "--port", "5000", \
     "--redis-url", "redis://redis:6379/0", "--log-dir", "/log"]
