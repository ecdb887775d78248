#!/usr/bin/env bash
# Builds the production Dockerfile with buildah and starts the image: against a SQLite
# volume and against the local PostgreSQL it must answer /healthz, /readyz and /metrics,
# run as uid 65532, pass `warroom check-config`, and hold the product only (no demo).
#
# No container registry is reachable from CI, so the Dockerfile's base images (build
# arguments) are replaced by local equivalents made from Debian's packages:
#   builder: Debian 12 from debootstrap (gcc, libc6-dev, CA certificates), with cargo
#            and rustc where rust:1-bookworm has them on PATH: this machine's own
#            toolchain, bind-mounted read-only for the build (not copied: buildah's vfs
#            driver copies every layer in full, and disk is scarce on CI machines);
#   runtime: like distroless/cc-debian12:nonroot: glibc, libgcc, tzdata and the CA bundle
#            of that same Debian 12, users root and nonroot (65532), no shell.
# Everything is cached under $WARROOM_IMAGE_CACHE (default /var/cache/warroom-image-test):
# buildah's storage (the two bases, the image) and the build's cache mounts (cargo
# registry, target directory), so a run after a source change recompiles only the
# warroom crate. About 1.6 GB (2.5 GB at the peak of a build); it skips when less than $WARROOM_IMAGE_MIN_FREE_GB
# (default 4) is free there.
#
# Needs root (buildah with --storage-driver vfs --isolation chroot). Installs buildah and
# debootstrap from Debian's packages when missing. When something cannot work on this
# machine it prints exactly what it skipped and exits 0; a build or check that fails
# exits non-zero.
set -euo pipefail
cd "$(dirname "$0")/.."
repo="$(pwd)"

CACHE="${WARROOM_IMAGE_CACHE:-/var/cache/warroom-image-test}"
# Bump when the recipe of the root filesystem or of a base changes, to rebuild it.
ROOTFS_RECIPE=1
BASE_RECIPE=3
IMAGE=localhost/warroom:image-test
PG_ADMIN="${WARROOM_TEST_PG:-postgres://postgres@127.0.0.1:5432/postgres}"

started=$SECONDS
phase_started=$SECONDS
phase() {
  echo "image-test: $1 ($((SECONDS - phase_started)) s)"
  phase_started=$SECONDS
}
skip() {
  echo "image-test: SKIPPED: $*" >&2
  echo "image-test: SKIPPED: $*"
  exit 0
}

# ---- prerequisites ------------------------------------------------------------------------
[ "$(id -u)" = 0 ] || skip "not root: buildah with the vfs driver and chroot isolation needs root here"
need_pkgs=()
command -v buildah >/dev/null || need_pkgs+=(buildah)
command -v debootstrap >/dev/null || need_pkgs+=(debootstrap)
command -v curl >/dev/null || need_pkgs+=(curl)
if [ "${#need_pkgs[@]}" -gt 0 ]; then
  echo "image-test: installing ${need_pkgs[*]} from Debian's packages"
  { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${need_pkgs[@]}"; } >/dev/null 2>&1 \
    || skip "could not install ${need_pkgs[*]} with apt-get: no image was built"
fi
command -v rustc >/dev/null || skip "no Rust toolchain on this machine to build with"

mkdir -p "$CACHE/tmp"
free_gb=$(( $(df -Pk "$CACHE" | awk 'NR==2{print $4}') / 1024 / 1024 ))
min_free_gb="${WARROOM_IMAGE_MIN_FREE_GB:-4}"
[ "$free_gb" -ge "$min_free_gb" ] \
  || skip "only ${free_gb} GB free under $CACHE (the build needs ${min_free_gb} GB): no image was built"
# buildah keeps RUN --mount=type=cache directories under $TMPDIR: keep them in the cache.
export TMPDIR="$CACHE/tmp"
B() {
  buildah --root "$CACHE/storage" --runroot "$CACHE/runroot" --storage-driver vfs "$@"
}
# Working containers left by an interrupted run (this storage is the script's own).
B rm --all >/dev/null 2>&1 || true
has_image() { B inspect --type image "$1" >/dev/null 2>&1; }

BUILDER_BASE="localhost/warroom-base/rust:1-bookworm-r${BASE_RECIPE}"
RUNTIME_BASE="localhost/warroom-base/cc-debian12:nonroot-r${BASE_RECIPE}"

# ---- the Debian 12 root filesystem (debootstrap) ------------------------------------------
rootfs="$CACHE/rootfs-bookworm-r${ROOTFS_RECIPE}"
if { ! has_image "$BUILDER_BASE" || ! has_image "$RUNTIME_BASE"; } && [ ! -f "$rootfs/.complete" ]; then
  # The Debian mirror this machine's apt uses (deb822 or one-line sources).
  mirror="$(sed -n 's/^URIs: *\([^ ]*\).*/\1/p' /etc/apt/sources.list.d/*.sources 2>/dev/null | grep -v security | head -n1 || true)"
  [ -n "$mirror" ] || mirror="$(awk '$1=="deb"{print $2; exit}' /etc/apt/sources.list 2>/dev/null || true)"
  mirror="${mirror:-http://deb.debian.org/debian}"
  rm -rf "$rootfs"
  echo "image-test: debootstrap bookworm from $mirror (once; cached in $rootfs)"
  if ! debootstrap --variant=minbase --include=ca-certificates,tzdata,gcc,libc6-dev \
      bookworm "$rootfs" "$mirror" > "$CACHE/debootstrap.log" 2>&1; then
    tail -n 5 "$CACHE/debootstrap.log" >&2
    skip "debootstrap of Debian 12 from $mirror failed (log: $CACHE/debootstrap.log): no image was built"
  fi
  touch "$rootfs/.complete"
  phase "Debian root filesystem ready"
fi

# ---- local base images --------------------------------------------------------------------
sysroot="$(rustc --print sysroot)"
if ! has_image "$BUILDER_BASE"; then
  ctr="$(B from scratch)"
  mnt="$(B mount "$ctr")"
  cp -a "$rootfs"/. "$mnt"/
  rm -f "$mnt/.complete"
  rm -rf "$mnt"/var/cache/apt/archives/*.deb "$mnt"/usr/share/doc "$mnt"/usr/share/man
  # Where the toolchain is mounted during the build, and where cargo keeps its registry.
  mkdir -p "$mnt/usr/local/rustup/toolchain" "$mnt/usr/local/cargo/bin"
  # The builder downloads crates: trust what this machine trusts (a TLS-inspecting egress
  # proxy's CA, for one), as the official image trusts the public CAs.
  cp "${SSL_CERT_FILE:-/etc/ssl/certs/ca-certificates.crt}" "$mnt/etc/ssl/certs/ca-certificates.crt"
  B umount "$ctr" >/dev/null
  B config \
    --env CARGO_HOME=/usr/local/cargo \
    --env PATH=/usr/local/cargo/bin:/usr/local/rustup/toolchain/bin:/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin \
    --workingdir / "$ctr"
  B commit -q "$ctr" "$BUILDER_BASE" >/dev/null
  B rm "$ctr" >/dev/null
  phase "builder base $BUILDER_BASE made"
fi

if ! has_image "$RUNTIME_BASE"; then
  ctr="$(B from scratch)"
  mnt="$(B mount "$ctr")"
  # Only the files of glibc, libgcc and tzdata, plus the CA bundle: what distroless/cc has.
  python3 - "$rootfs" "$mnt" <<'PY'
import os, shutil, subprocess, sys
src, dst = sys.argv[1], sys.argv[2]
for link, target in [("bin", "usr/bin"), ("sbin", "usr/sbin"), ("lib", "usr/lib"), ("lib64", "usr/lib64")]:
    os.makedirs(os.path.join(dst, target), exist_ok=True)
    os.symlink(target, os.path.join(dst, link))
listed = subprocess.run(["chroot", src, "dpkg", "-L", "libc6", "libgcc-s1", "tzdata", "base-files"],
                        check=True, capture_output=True, text=True).stdout.split("\n")
listed += ["/etc/ssl/certs/ca-certificates.crt"]
for path in listed:
    if not path.startswith("/") or path.startswith(("/usr/share/doc", "/usr/share/man", "/usr/share/lintian")):
        continue
    full = src + path
    if os.path.isdir(full) and not os.path.islink(full):
        continue
    if not os.path.lexists(full):
        continue
    # Resolve the merged-/usr symlinks of the directory, keep the file itself as it is.
    parent = os.path.realpath(os.path.dirname(full))
    out = dst + parent[len(os.path.realpath(src)):] + "/" + os.path.basename(full)
    if os.path.lexists(out):
        continue  # e.g. /lib itself, already the merged-/usr symlink
    os.makedirs(os.path.dirname(out), exist_ok=True)
    shutil.copy2(full, out, follow_symlinks=False)
PY
  mkdir -p "$mnt/etc" "$mnt/home/nonroot" "$mnt/tmp" "$mnt/root"
  cat > "$mnt/etc/passwd" <<'EOF'
root:x:0:0:root:/root:/sbin/nologin
nobody:x:65534:65534:nobody:/nonexistent:/sbin/nologin
nonroot:x:65532:65532:nonroot:/home/nonroot:/sbin/nologin
EOF
  cat > "$mnt/etc/group" <<'EOF'
root:x:0:
nobody:x:65534:
nonroot:x:65532:
EOF
  echo "hosts: files dns" > "$mnt/etc/nsswitch.conf"
  chown 65532:65532 "$mnt/home/nonroot"
  chmod 0700 "$mnt/home/nonroot"
  chmod 1777 "$mnt/tmp"
  B umount "$ctr" >/dev/null
  B config --user 65532:65532 --workingdir /home/nonroot \
    --env PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin \
    --env SSL_CERT_FILE=/etc/ssl/certs/ca-certificates.crt "$ctr"
  B commit -q "$ctr" "$RUNTIME_BASE" >/dev/null
  B rm "$ctr" >/dev/null
  phase "runtime base $RUNTIME_BASE made"
fi
# The bases hold what is needed from the root filesystem.
rm -rf "$rootfs"

# ---- the image, from the production Dockerfile ----------------------------------------------
echo "image-test: building $IMAGE from ./Dockerfile (bases: $BUILDER_BASE, $RUNTIME_BASE)"
B bud --isolation chroot --pull=false \
  --volume "$sysroot:/usr/local/rustup/toolchain:ro" \
  --build-arg RUST_IMAGE="$BUILDER_BASE" \
  --build-arg RUNTIME_IMAGE="$RUNTIME_BASE" \
  -t "$IMAGE" -f Dockerfile . > "$CACHE/build.log" 2>&1 || {
  tail -n 40 "$CACHE/build.log" >&2
  echo "image-test: FAILED: the Dockerfile did not build (log: $CACHE/build.log)" >&2
  exit 1
}
phase "image built"
# The previous run's image, now untagged.
B rmi --prune >/dev/null 2>&1 || true
size="$(B images --format '{{.Size}}' "$IMAGE" 2>/dev/null | head -n1)"
B images --format '{{.Name}}:{{.Tag}} {{.Size}}' | grep -E '^(localhost/warroom:|localhost/warroom-base)' || true

# ---- the image's configuration --------------------------------------------------------------
user="$(B inspect --type image --format '{{.OCIv1.Config.User}}' "$IMAGE")"
entrypoint="$(B inspect --type image --format '{{.OCIv1.Config.Entrypoint}}' "$IMAGE")"
echo "image-test: User=$user Entrypoint=$entrypoint"
case "$user" in
  "" | root | 0 | 0:* | root:*) echo "image-test: FAILED: the image runs as root ($user)" >&2; exit 1 ;;
esac

work="$(mktemp -d "$CACHE/tmp/run.XXXXXX")"
ctr=""
server=""
pgdb=""
cleanup() {
  if [ -n "$server" ] && kill -0 "$server" 2>/dev/null; then
    kill -TERM "$server" 2>/dev/null || true
    wait "$server" 2>/dev/null || true
  fi
  [ -n "$ctr" ] && B rm "$ctr" >/dev/null 2>&1 || true
  [ -n "$pgdb" ] && psql -q "$PG_ADMIN" -c "DROP DATABASE IF EXISTS $pgdb" >/dev/null 2>&1 || true
  rm -rf "$work"
}
trap cleanup EXIT

ctr="$(B from --pull=false "$IMAGE")"
mkdir -p "$work/config" "$work/data"
cp manifests/kubernetes/base/policy.toml "$work/config/policy.toml"
chown 65532:65532 "$work/data"

SLACK_ENV=(--env SLACK_SIGNING_SECRET=image-test-secret --env SLACK_BOT_TOKEN=xoxb-image-test
  --env SLACK_API_URL=http://127.0.0.1:9/api --env WARROOM_CONFIG=/etc/warroom/policy.toml)
run_in_image() {
  B run --isolation chroot -v "$work/config:/etc/warroom:ro" -v "$work/data:/var/lib/warroom" \
    "${SLACK_ENV[@]}" "$@"
}

out="$(run_in_image "$ctr" -- /usr/local/bin/warroom check-config)"
echo "image-test: check-config: $out"
[[ "$out" == "config ok:"* ]] || { echo "image-test: FAILED: check-config" >&2; exit 1; }
help="$(run_in_image "$ctr" -- /usr/local/bin/warroom --help)"
if grep -qiE '^ *(demo|bench)\b' <<<"$help"; then
  echo "image-test: FAILED: the image's warroom has the demo or bench built in:" >&2
  echo "$help" >&2
  exit 1
fi
if run_in_image "$ctr" -- /bin/sh -c true >/dev/null 2>&1; then
  echo "image-test: FAILED: the runtime image has a shell" >&2
  exit 1
fi
phase "check-config passed; no demo, no bench, no shell"

free_port() {
  python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'
}
wait_http() { # url, expected status, seconds
  local deadline=$((SECONDS + $3)) code
  while [ $SECONDS -lt $deadline ]; do
    code="$(curl -s -o /dev/null -w '%{http_code}' "$1" || true)"
    [ "$code" = "$2" ] && return 0
    if [ -n "$server" ] && ! kill -0 "$server" 2>/dev/null; then
      echo "image-test: the server exited" >&2
      return 1
    fi
    sleep 0.2
  done
  echo "image-test: $1 answered $code, not $2, within $3 s" >&2
  return 1
}

# Starts `warroom serve` from the image with DATABASE_URL=$1 and checks it.
serve_and_check() {
  local label="$1" url="$2" port pid uid metrics
  port="$(free_port)"
  run_in_image --env DATABASE_URL="$url" --env WARROOM_LISTEN="127.0.0.1:$port" \
    "$ctr" -- /usr/local/bin/warroom serve > "$work/$label.log" 2>&1 &
  server=$!
  wait_http "http://127.0.0.1:$port/healthz" 200 60 || { cat "$work/$label.log" >&2; return 1; }
  wait_http "http://127.0.0.1:$port/readyz" 200 30 || { cat "$work/$label.log" >&2; return 1; }
  metrics="$(curl -sf "http://127.0.0.1:$port/metrics")"
  grep -q '^warroom_outbox_depth ' <<<"$metrics" || { echo "image-test: /metrics lacks warroom_outbox_depth" >&2; return 1; }
  grep -q '^warroom_open_incidents{' <<<"$metrics" || { echo "image-test: /metrics lacks warroom_open_incidents" >&2; return 1; }
  # The process that listens is the image's warroom, running as 65532.
  pid="$(ss -ltnpH "sport = :$port" | sed -n 's/.*pid=\([0-9]*\).*/\1/p' | head -n1)"
  [ -n "$pid" ] || { echo "image-test: nothing listens on $port" >&2; return 1; }
  uid="$(awk '/^Uid:/{print $2}' "/proc/$pid/status")"
  [ "$uid" = 65532 ] || { echo "image-test: FAILED: warroom runs as uid $uid" >&2; return 1; }
  # A graceful stop on SIGTERM, as an orchestrator sends it.
  kill -TERM "$pid"
  wait "$server" || { echo "image-test: FAILED: warroom exited non-zero after SIGTERM" >&2; cat "$work/$label.log" >&2; return 1; }
  server=""
  echo "image-test: $label: /healthz, /readyz, /metrics answered; uid $uid; stopped cleanly on SIGTERM"
}

serve_and_check sqlite "sqlite:///var/lib/warroom/warroom.db"
owner="$(stat -c %u "$work/data/warroom.db")"
[ "$owner" = 65532 ] || { echo "image-test: FAILED: the SQLite file belongs to uid $owner" >&2; exit 1; }
phase "served on SQLite (database file on the volume, owned by 65532)"

if command -v psql >/dev/null && psql -q "$PG_ADMIN" -c 'SELECT 1' >/dev/null 2>&1; then
  pgdb="warroom_image_test_$$"
  psql -q "$PG_ADMIN" -c "CREATE DATABASE $pgdb" >/dev/null
  serve_and_check postgres "${PG_ADMIN%/*}/$pgdb"
  phase "served on PostgreSQL"
else
  echo "image-test: SKIPPED the PostgreSQL run: no PostgreSQL at $PG_ADMIN"
fi

echo "image-test: ok: $IMAGE is $size; total $((SECONDS - started)) s"
