# syntax=docker/dockerfile:1
# Vitae: `docker build -t vitae .`, then see compose.yaml for PostgreSQL and clamd beside it.

# Build: every dependency (`npm ci` runs `prepare`, which compiles the server into dist/ with
# TypeScript and builds the web app with Vite), then the dev dependencies and what only development
# needs are dropped.
FROM node:24-bookworm-slim AS build
WORKDIR /app
COPY . .
RUN npm ci --no-audit --no-fund \
  && npm prune --omit=dev --no-audit --no-fund \
  && rm -rf test bench docs .ci tools probe.mts playwright.config.ts vitest.config.ts

# Run: the application as a user without privileges, its data on a volume.
FROM node:24-bookworm-slim
ENV NODE_ENV=production \
    HOST=0.0.0.0 \
    PORT=8080 \
    VITAE_DATA_DIR=/data
RUN groupadd --system vitae \
  && useradd --system --gid vitae --home-dir /app --no-create-home --shell /usr/sbin/nologin vitae \
  && mkdir /data && chown vitae:vitae /data && chmod 0700 /data
WORKDIR /app
# Owned by root: the service can read its code but not change it.
COPY --from=build /app /app
USER vitae
VOLUME ["/data"]
EXPOSE 8080
HEALTHCHECK --interval=30s --timeout=5s --start-period=120s --retries=3 CMD ["/app/docker/entrypoint.sh", "healthcheck"]
ENTRYPOINT ["/app/docker/entrypoint.sh"]
CMD ["serve"]
