# The monitor daemon, run as an unprivileged user with everything it keeps on the /data volume:
#   /data/monitor.toml   the config (archive.path = "/data/monitor.db", session_file = "/data/user.session",
#                        secrets from *_env variables or *_file files under /data or /run/secrets)
# The bundled watchlist ships inside the package and is used when the config leaves [analysis] conflicts out.
# Create the session once with:
#   docker run -it --rm -v monitor-data:/data IMAGE monitor login --config /data/monitor.toml
# BASE can be any Debian-like image with Python 3.11+ and pip (README: building without Docker Hub).
# podman/buildah keep the HEALTHCHECK only with `--format docker`.
#
# Two stages: `build` turns the source into a wheel, and the image installs that wheel and nothing else
# of the source tree. Whatever lies in the build context besides the package (a session or token file
# that .dockerignore cannot tell from a source file, say) stays in the build stage, which is not shipped.
ARG BASE=python:3.11-slim

FROM ${BASE} AS python
ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 PIP_DISABLE_PIP_VERSION_CHECK=1 PIP_ROOT_USER_ACTION=ignore

FROM python AS build
WORKDIR /src
COPY pyproject.toml README.md ./
COPY monitor ./monitor
# The wheel holds exactly what pyproject.toml packages: the modules and their data files.
RUN python3 -m pip wheel --no-deps --wheel-dir /wheel .

FROM python
# Dependencies get their own layer so that a code change does not reinstall them: exactly the versions
# and files of requirements.lock (README: refreshing the lock), checked against its hashes.
COPY requirements.lock /tmp/
RUN python3 -m pip install --require-hashes --no-deps -r /tmp/requirements.lock && rm /tmp/requirements.lock

RUN groupadd --gid 10001 monitor \
    && useradd --uid 10001 --gid monitor --home-dir /data --no-create-home --shell /usr/sbin/nologin monitor \
    && mkdir -p /data && chown monitor:monitor /data && chmod 0700 /data

# The one thing taken from the build stage: the wheel, installed and then removed.
COPY --from=build /wheel/ /tmp/wheel/
RUN python3 -m pip install --no-deps --compile /tmp/wheel/monitor-*.whl && rm -rf /tmp/wheel

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
