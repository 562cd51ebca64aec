# syntax=docker/dockerfile:1
# Build stage: a virtualenv with the pinned dependencies and the orchestrator package.
FROM python:3.11-slim AS build
ENV PIP_DISABLE_PIP_VERSION_CHECK=1 PIP_NO_CACHE_DIR=1
RUN python -m venv /opt/venv
WORKDIR /src
COPY pyproject.toml constraints.txt README.md ./
COPY orchestrator ./orchestrator
RUN /opt/venv/bin/pip install -c constraints.txt .

# Runtime stage: no compilers, no sources, a non-root user.
FROM python:3.11-slim
RUN useradd --system --uid 10001 --create-home --home-dir /var/lib/orchestrator orchestrator
COPY --from=build /opt/venv /opt/venv
COPY programs /etc/orchestrator/programs
ENV PATH=/opt/venv/bin:$PATH \
    ORCHESTRATOR_PROGRAMS_DIR=/etc/orchestrator/programs \
    ORCHESTRATOR_DATA_DIR=/var/lib/orchestrator \
    ORCHESTRATOR_HTTP_HOST=0.0.0.0 \
    ORCHESTRATOR_HTTP_PORT=8080
USER orchestrator
WORKDIR /var/lib/orchestrator
EXPOSE 8080
HEALTHCHECK --interval=15s --timeout=3s --start-period=20s --retries=3 \
    CMD ["python", "-c", "import urllib.request; urllib.request.urlopen('http://127.0.0.1:8080/healthz', timeout=2)"]
ENTRYPOINT ["orchestrator"]
CMD ["serve"]
