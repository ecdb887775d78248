# syntax=docker/dockerfile:1
#
# warroom container image.
#
#   docker build -t warroom .
#   docker run --rm -p 3000:3000 \
#     -e SLACK_SIGNING_SECRET=… -e SLACK_BOT_TOKEN=xoxb-… \
#     -e DATABASE_URL=postgres://… warroom
#
# Without DATABASE_URL the embedded SQLite default (sqlite://warroom.db) is created in
# the working directory, /home/nonroot; mount a volume there to keep it.

# ---- builder ----------------------------------------------------------------------------
FROM rust:1-bookworm AS builder
WORKDIR /build

# Dependencies first, against placeholder sources, so this layer is reused until
# Cargo.toml or Cargo.lock change.
COPY Cargo.toml Cargo.lock ./
RUN mkdir src \
 && echo 'fn main() {}' > src/main.rs \
 && touch src/lib.rs \
 && cargo build --release --locked \
 && rm -rf src

# The real sources. Migrations are embedded at compile time (sqlx::migrate!), so they
# are needed here, not at run time.
COPY migrations ./migrations
COPY src ./src
# COPY keeps the files' own modification times, which may predate the placeholder
# build: touch the crate roots so cargo rebuilds the crate itself.
RUN touch src/main.rs src/lib.rs \
 && cargo build --release --locked \
 && install -D -m 0755 target/release/warroom /out/warroom

# ---- runtime ----------------------------------------------------------------------------
# glibc and libgcc of Debian 12 (what the builder links against) and CA certificates for
# TLS to Slack, PagerDuty and PostgreSQL; no shell, no package manager.
FROM gcr.io/distroless/cc-debian12:nonroot AS runtime
COPY --from=builder /out/warroom /usr/local/bin/warroom
WORKDIR /home/nonroot
USER 65532:65532
EXPOSE 3000
# No HEALTHCHECK: the image has no HTTP client. Orchestrators probe GET /healthz
# (process up) and GET /readyz (database reachable) on port 3000.
ENTRYPOINT ["/usr/local/bin/warroom"]
CMD ["serve"]
