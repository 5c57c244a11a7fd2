# catalog-sync: the CLI, the ingestion jobs and the API (`catalog-sync serve`) in one slim image.
#
#   docker build -t catalog-sync .
#   docker run --rm catalog-sync doctor
#
# recipes/ are baked in at /app; the default tag definitions, rules and views are inside the
# package. Mount your own at /app/tags (the working folder's ./tags replaces the packaged ones) or
# point CATALOG_SYNC_TAGS_DIR elsewhere. State lives in /var/lib/catalog-sync (a volume).

FROM python:3.11-slim-bookworm AS build
ENV PIP_NO_CACHE_DIR=1 PIP_DISABLE_PIP_VERSION_CHECK=1
WORKDIR /src
RUN python -m venv /opt/catalog-sync
COPY pyproject.toml README.md ./
COPY catalog_sync ./catalog_sync
RUN /opt/catalog-sync/bin/pip install --no-compile . \
    && /opt/catalog-sync/bin/catalog-sync --help >/dev/null

FROM python:3.11-slim-bookworm
ENV PATH=/opt/catalog-sync/bin:$PATH \
    PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    DATAHUB_TELEMETRY_ENABLED=false \
    CATALOG_SYNC_CATALOG=/var/lib/catalog-sync/catalog.db \
    CATALOG_SYNC_TOKENS_FILE=/var/lib/catalog-sync/tokens.json
RUN groupadd --system --gid 10001 catalog-sync \
    && useradd --system --uid 10001 --gid catalog-sync --create-home --home-dir /home/catalog-sync \
        --shell /usr/sbin/nologin catalog-sync \
    && mkdir -p /var/lib/catalog-sync \
    && chown catalog-sync:catalog-sync /var/lib/catalog-sync
COPY --from=build /opt/catalog-sync /opt/catalog-sync
WORKDIR /app
COPY recipes ./recipes
USER 10001:10001
VOLUME ["/var/lib/catalog-sync"]
EXPOSE 8000
ENTRYPOINT ["catalog-sync"]
CMD ["serve", "--host", "0.0.0.0", "--port", "8000"]
