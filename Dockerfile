# syntax=docker/dockerfile:1
# Headroom daemon image. Build: docker build -t headroom .
# Run:   docker run -p 8080:8080 -p 4318:4318 -e HEADROOM_API__READ_TOKEN=... headroom

FROM node:20-bookworm-slim AS deps
WORKDIR /app
# better-sqlite3 compiles from source when no prebuilt binary matches; tfjs-node downloads
# libtensorflow in its install script (an image build has internet, unlike the dev machines).
RUN apt-get update \
 && apt-get install -y --no-install-recommends python3 make g++ ca-certificates \
 && rm -rf /var/lib/apt/lists/*
COPY package.json package-lock.json ./
RUN npm ci --omit=dev --no-audit --no-fund

FROM node:20-bookworm-slim
ENV NODE_ENV=production \
    HEADROOM_DATA_DIR=/var/lib/headroom \
    HEADROOM_API__HOST=0.0.0.0 \
    HEADROOM_COLLECTORS__OTLP__HOST=0.0.0.0
WORKDIR /app
RUN groupadd --system headroom \
 && useradd --system --gid headroom --home-dir /app --shell /usr/sbin/nologin headroom \
 && mkdir -p /var/lib/headroom && chown headroom:headroom /var/lib/headroom
COPY --from=deps /app/node_modules ./node_modules
COPY package.json tsconfig.json ./
COPY bin ./bin
COPY core ./core
COPY collectors ./collectors
COPY storage ./storage
COPY models ./models
COPY actuators ./actuators
COPY alerts ./alerts
COPY daemon ./daemon
USER headroom
VOLUME ["/var/lib/headroom"]
EXPOSE 8080 4318
HEALTHCHECK --interval=30s --timeout=5s --start-period=20s --retries=3 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:8080/healthz').then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))"]
ENTRYPOINT ["node", "bin/headroom.js"]
CMD ["start"]
