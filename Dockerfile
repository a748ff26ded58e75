# The monitor daemon. Archive, sessions and config live on the /data volume:
#   /data/monitor.toml   the config (archive.path = "/data/monitor.db", session_file = "/data/user.session")
# Create the session once with:  docker run -it -v monitor-data:/data IMAGE monitor login --config /data/monitor.toml
ARG BASE=python:3.11-slim
FROM ${BASE}

ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1 PIP_NO_CACHE_DIR=1 PIP_DISABLE_PIP_VERSION_CHECK=1

WORKDIR /opt/monitor
COPY pyproject.toml README.md ./
COPY monitor ./monitor
COPY config ./config
RUN pip install . && useradd --system --uid 10001 --home-dir /data --shell /usr/sbin/nologin monitor \
    && mkdir -p /data && chown monitor:monitor /data

USER monitor
VOLUME ["/data"]
WORKDIR /data

HEALTHCHECK --interval=60s --timeout=20s --start-period=120s --retries=3 \
    CMD ["monitor", "health", "--config", "/data/monitor.toml"]

# SIGTERM (docker stop -t 15) stops intake and closes the archive within 10 s.
STOPSIGNAL SIGTERM
CMD ["monitor", "run", "--config", "/data/monitor.toml"]
