# syntax=docker/dockerfile:1
# Multi-stage build: the SPA with Node, the binary with Rust, a small Debian runtime.

FROM node:20-bookworm-slim AS web
WORKDIR /src/frontend
COPY frontend/package.json frontend/package-lock.json ./
RUN npm ci --no-audit --no-fund
COPY frontend/ ./
COPY openapi.yaml /src/openapi.yaml
RUN npm run build

FROM rust:1.95-bookworm AS build
RUN apt-get update && apt-get install -y --no-install-recommends libpq-dev && rm -rf /var/lib/apt/lists/*
WORKDIR /src
COPY Cargo.toml Cargo.lock clippy.toml ./
COPY crates crates
COPY tests tests
COPY migrations migrations
RUN cargo build --release --locked --bin skillstream

FROM debian:bookworm-slim
RUN apt-get update \
    && apt-get install -y --no-install-recommends libpq5 ca-certificates curl \
    && rm -rf /var/lib/apt/lists/* \
    && useradd --system --uid 10001 --home-dir /app --shell /usr/sbin/nologin skillstream \
    && mkdir -p /app/data && chown skillstream /app/data
WORKDIR /app
COPY --from=build /src/target/release/skillstream /usr/local/bin/skillstream
COPY --from=web /src/frontend/dist /app/frontend/dist
ENV BIND_ADDR=0.0.0.0:8080 \
    STATIC_DIR=/app/frontend/dist \
    DATA_DIR=/app/data
USER skillstream
EXPOSE 8080
HEALTHCHECK --interval=10s --timeout=3s --start-period=20s --retries=3 \
  CMD curl -fsS http://127.0.0.1:8080/healthz || exit 1
STOPSIGNAL SIGTERM
ENTRYPOINT ["skillstream"]
CMD ["serve"]
