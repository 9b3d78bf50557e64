# syntax=docker/dockerfile:1
# One image for every Tessera process (README "Packaging"), running the compiled build (dist/, plain
# JavaScript from `npm run build`): the embedded mode by default (`tessera start`), or any run mode
# with `tessera serve gateway|crm|psa|erp|integration|relay|registry` as the command
# (deploy/compose.yaml runs one container per mode).
#
#   docker build -t tessera .
#   docker run --env-file deploy/tessera.env -p 4000:4000 -v tessera-data:/data tessera
#   docker run --env-file deploy/tessera.env tessera serve crm

# Production dependencies only. better-sqlite3 is native: when no prebuilt binary matches, it
# compiles, which needs python3, make and g++ (kept out of the final image).
FROM node:20-bookworm-slim AS deps
WORKDIR /app
RUN apt-get update \
  && apt-get install -y --no-install-recommends python3 make g++ \
  && rm -rf /var/lib/apt/lists/*
COPY package.json package-lock.json ./
RUN npm ci --omit=dev --no-audit --no-fund \
  && node -e "require('better-sqlite3')(':memory:').prepare('select 1').get()" \
  && npm cache clean --force

# The compiled build (README "Packaging"): every dependency (typescript, tsx) for `npm run build`
# (bin/build.ts), which compiles the runtime folders to plain JavaScript in dist/ with the files the
# code reads beside it. Production runs that, not TypeScript through tsx (whose loader costs each
# process ~55 MB at idle). Install scripts are skipped: the build loads no native module
# (better-sqlite3 is built in the deps stage), so no compiler is needed; only dist/ goes on.
FROM node:20-bookworm-slim AS build
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --ignore-scripts --no-audit --no-fund
COPY . .
RUN npm run build

FROM node:20-bookworm-slim
# Production refuses unsafe defaults (README "Configuration"): the secrets, the token issuer and
# the metrics token come from the environment at run time (deploy/tessera.env.example), never the image.
ENV NODE_ENV=production \
  TESSERA_ENV=production \
  TESSERA_DATA_DIR=/data
WORKDIR /app
# A user of its own: the code is root's and read-only to it; only /data is its (0700, the SQLite files 0600).
RUN groupadd --system --gid 10001 tessera \
  && useradd --system --uid 10001 --gid tessera --home-dir /nonexistent --no-create-home --shell /usr/sbin/nologin tessera \
  && mkdir -p /data \
  && chown tessera:tessera /data \
  && chmod 0700 /data
# The production dependencies, the compiled build, and the health check script (plain JavaScript):
# no TypeScript source, no tests or benchmarks. dist/package.json keeps `"type": "module"` in force.
COPY --from=deps /app/node_modules ./node_modules
COPY --from=build /app/dist ./dist
COPY deploy/healthcheck.mjs ./deploy/healthcheck.mjs
USER tessera
VOLUME ["/data"]
# gateway (PORT), crm, psa, erp, integration, registry, relay (PORT=4010 in deploy/compose.yaml).
EXPOSE 4000 4001 4002 4003 4004 4005 4010
# deploy/healthcheck.mjs finds the mode's port from the container's command line and asks /health/ready.
HEALTHCHECK --interval=15s --timeout=5s --start-period=60s --retries=3 CMD ["node", "deploy/healthcheck.mjs"]
# node is PID 1 itself, never npm: SIGTERM from `docker stop` reaches the server, which drains
# (readiness 503, in-flight requests finish within TESSERA_SHUTDOWN_TIMEOUT_MS) and exits.
STOPSIGNAL SIGTERM
ENTRYPOINT ["node", "dist/bin/tessera.js"]
CMD ["start"]
