# syntax=docker/dockerfile:1
#
# warroom container image: the `warroom` binary only (no emulator, demo or bench), on a
# runtime with glibc, libgcc and CA certificates, running as uid 65532.
#
#   docker build -t warroom .
#   docker run --rm -p 3000:3000 \
#     -e SLACK_SIGNING_SECRET=… -e SLACK_BOT_TOKEN=xoxb-… \
#     -e DATABASE_URL=postgres://… warroom
#
# Without DATABASE_URL the embedded SQLite default (sqlite://warroom.db) is created in
# the working directory, /home/nonroot; mount a volume there (or set DATABASE_URL to a
# file on a volume) to keep it.
#
# The base images are build arguments so that a machine without access to a container
# registry can build the same file against bases it made itself (scripts/image-test.sh
# does that). Both must be Debian 12 (bookworm): the runtime's glibc is the one the
# builder links against.
ARG RUST_IMAGE=docker.io/library/rust:1-bookworm
ARG RUNTIME_IMAGE=gcr.io/distroless/cc-debian12:nonroot

# ---- builder ----------------------------------------------------------------------------
FROM ${RUST_IMAGE} AS builder
WORKDIR /build
# The workspace (see .dockerignore for what stays out). Migrations are embedded at
# compile time (sqlx::migrate!), so they are needed here, not at run time.
COPY . .
# The registry and the target directory are cache mounts: a rebuild after a source change
# recompiles the changed crates only (BuildKit and buildah both keep them between builds).
# The binary is copied out of the cache mount, which is not part of the layer.
# --no-default-features leaves out the emulator, demo and bench.
RUN --mount=type=cache,target=/usr/local/cargo/registry \
    --mount=type=cache,target=/build/target \
    cargo build --release --locked -p warroom --no-default-features --bin warroom \
 && install -D -m 0755 target/release/warroom /out/warroom

# ---- runtime ----------------------------------------------------------------------------
# glibc and libgcc of Debian 12 and CA certificates for TLS to Slack, PagerDuty and
# PostgreSQL; no shell, no package manager.
FROM ${RUNTIME_IMAGE} AS runtime
COPY --from=builder /out/warroom /usr/local/bin/warroom
WORKDIR /home/nonroot
USER 65532:65532
EXPOSE 3000
# No HEALTHCHECK: the image has no HTTP client. Orchestrators probe GET /healthz
# (process up) and GET /readyz (database reachable) on port 3000.
ENTRYPOINT ["/usr/local/bin/warroom"]
CMD ["serve"]
