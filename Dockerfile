# The monitor daemon, run as an unprivileged user with everything it keeps on the /data volume:
#   /data/monitor.toml   the config (archive.path = "/data/monitor.db", session_file = "/data/user.session",
#                        secrets from *_env variables or *_file files under /data or /run/secrets)
# The bundled watchlist ships inside the package and is used when the config leaves [analysis] conflicts out.
# Create the session once with:
#   docker run -it --rm -v monitor-data:/data IMAGE monitor login --config /data/monitor.toml
# BASE can be any Debian-like image with Python 3.11+ and pip (README: building without Docker Hub).
# podman/buildah keep the HEALTHCHECK only with `--format docker`.
ARG BASE=python:3.11-slim
FROM ${BASE}

ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 PIP_DISABLE_PIP_VERSION_CHECK=1 PIP_ROOT_USER_ACTION=ignore

WORKDIR /app
# Dependencies get their own layer so that a code change does not reinstall them: exactly the versions
# and files of requirements.lock (README: refreshing the lock), checked against its hashes.
COPY requirements.lock ./
RUN python3 -m pip install --require-hashes --no-deps -r requirements.lock && rm requirements.lock

# A regular (not editable) install: the package carries its data, so the source can go afterwards,
# with the rest of /app (pyproject.toml, README.md and the monitor.egg-info the build leaves there).
COPY pyproject.toml README.md ./
COPY monitor ./monitor
RUN python3 -m pip install --no-deps --compile . \
    && cd / && rm -rf /app \
    && groupadd --gid 10001 monitor \
    && useradd --uid 10001 --gid monitor --home-dir /data --no-create-home --shell /usr/sbin/nologin monitor \
    && mkdir -p /data && chown monitor:monitor /data && chmod 0700 /data

USER 10001:10001
WORKDIR /data
VOLUME ["/data"]

HEALTHCHECK --interval=60s --timeout=20s --start-period=120s --retries=3 \
    CMD ["monitor", "health", "--config", "/data/monitor.toml"]

# On SIGTERM the daemon stops intake, persists in-flight work and closes the archive within 10 s.
STOPSIGNAL SIGTERM
CMD ["monitor", "run", "--config", "/data/monitor.toml"]

# The image says what it holds; VERSION follows pyproject.toml (a test keeps them equal); last, so
# that a new revision rebuilds no layer.
ARG VERSION=0.1.0
ARG REVISION=unknown
LABEL org.opencontainers.image.title="monitor" \
      org.opencontainers.image.description="Telegram channel monitoring daemon: archive every post, flag tracked conflicts, alert analysts." \
      org.opencontainers.image.version="${VERSION}" \
      org.opencontainers.image.revision="${REVISION}"
