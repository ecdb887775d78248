#!/usr/bin/env bash
# Fuzzes the running /api with schemathesis against its own OpenAPI document
# (GET /api/openapi.json), on SQLite and on PostgreSQL (a fresh database each): no 5xx,
# every status code, content type, header and body as documented, and every path but
# the document itself refused without the bearer token.
#
# Each backend gets a real `warroom serve` (the policy of manifests/kubernetes/base) with a
# few incidents declared through signed /slack/commands requests, as Slack sends them.
# Slack itself is unreachable (SLACK_API_URL points at a closed port): deliveries just
# wait in the outbox, which the API does not care about.
#
# Installs schemathesis from PyPI into ~/.cache/warroom-ci/venv. Environment:
#   API_FUZZ_EXAMPLES  test cases per operation and phase (default 40)
#   WARROOM_TEST_PG    PostgreSQL admin URL (default postgres://postgres@127.0.0.1:5432/postgres)
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/lib/venv.sh

EXAMPLES="${API_FUZZ_EXAMPLES:-40}"
PG_ADMIN="${WARROOM_TEST_PG:-postgres://postgres@127.0.0.1:5432/postgres}"
SECRET=api-fuzz-signing-secret
TOKEN=api-fuzz-token
started=$SECONDS

ci_venv schemathesis==4.32.5 || { echo "api-fuzz: FAILED: could not install schemathesis from PyPI" >&2; exit 1; }
cargo build --quiet --bin warroom
bin=target/debug/warroom

work="$(mktemp -d)"
server=""
pgdb=""
cleanup() {
  if [ -n "$server" ] && kill -0 "$server" 2>/dev/null; then
    kill -TERM "$server" 2>/dev/null || true
    wait "$server" 2>/dev/null || true
  fi
  [ -n "$pgdb" ] && psql -q "$PG_ADMIN" -c "DROP DATABASE IF EXISTS $pgdb WITH (FORCE)" >/dev/null 2>&1 || true
  rm -rf "$work"
}
trap cleanup EXIT

free_port() {
  python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'
}

# Posts a slash command signed with Slack's v0 scheme.
slash() { # base_url user text
  python3 - "$1" "$2" "$3" "$SECRET" <<'PY'
import hashlib, hmac, sys, time, urllib.parse, urllib.request
base, user, text, secret = sys.argv[1:]
body = urllib.parse.urlencode({
    "token": "x", "team_id": "T0FUZZ", "team_domain": "fuzz", "channel_id": "C0GENERAL",
    "channel_name": "general", "user_id": user, "user_name": user.lower(), "command": "/incident",
    "text": text, "api_app_id": "A0FUZZ", "response_url": "http://127.0.0.1:9/response",
    "trigger_id": "1.2.3",
}).encode()
ts = str(int(time.time()))
sig = "v0=" + hmac.new(secret.encode(), b"v0:" + ts.encode() + b":" + body, hashlib.sha256).hexdigest()
req = urllib.request.Request(base + "/slack/commands", data=body, headers={
    "Content-Type": "application/x-www-form-urlencoded",
    "X-Slack-Request-Timestamp": ts, "X-Slack-Signature": sig})
with urllib.request.urlopen(req, timeout=10) as r:
    assert r.status == 200, r.status
    answer = r.read().decode()
    assert "INC-" in answer, answer
PY
}

fuzz() { # label database_url
  local label="$1" url="$2" port base t0=$SECONDS
  port="$(free_port)"
  base="http://127.0.0.1:$port"
  SLACK_SIGNING_SECRET=$SECRET SLACK_BOT_TOKEN=xoxb-api-fuzz \
    SLACK_API_URL=http://127.0.0.1:9/api WARROOM_API_TOKEN=$TOKEN \
    WARROOM_CONFIG=manifests/kubernetes/base/policy.toml \
    DATABASE_URL="$url" WARROOM_LISTEN="127.0.0.1:$port" RUST_LOG=warn \
    "$bin" serve > "$work/$label.log" 2>&1 &
  server=$!
  local deadline=$((SECONDS + 60))
  until curl -sf "$base/readyz" >/dev/null; do
    kill -0 "$server" 2>/dev/null || { cat "$work/$label.log" >&2; echo "api-fuzz: warroom exited" >&2; return 1; }
    [ $SECONDS -lt $deadline ] || { echo "api-fuzz: warroom not ready in 60 s" >&2; return 1; }
    sleep 0.2
  done
  slash "$base" U0ALICE "declare P1 Checkout returns 500s"
  slash "$base" U0BOB "declare --private P2 Search is slow & <flaky>"
  slash "$base" U0CAROL "declare P3 Typo on the status page"

  echo "api-fuzz: $label: schemathesis, $EXAMPLES examples per operation"
  schemathesis run "$base/api/openapi.json" \
    --header "Authorization: Bearer $TOKEN" \
    --checks not_a_server_error,status_code_conformance,content_type_conformance,response_headers_conformance,response_schema_conformance,ignored_auth \
    --phases examples,coverage,fuzzing \
    --max-examples "$EXAMPLES" \
    --seed 14 \
    --workers 2 \
    --request-timeout 10 \
    --no-color \
    --report junit --report-dir "target/api-fuzz/$label" \
    --warnings off
  kill -TERM "$server"
  wait "$server" || true
  server=""
  if grep -q '"level":"ERROR"' "$work/$label.log"; then
    grep '"level":"ERROR"' "$work/$label.log" | head -n 5 >&2
    echo "api-fuzz: FAILED: warroom logged errors during the $label run" >&2
    return 1
  fi
  echo "api-fuzz: $label ok ($((SECONDS - t0)) s)"
}

fuzz sqlite "sqlite://$work/fuzz.db"

if psql -q "$PG_ADMIN" -c 'SELECT 1' >/dev/null 2>&1; then
  pgdb="warroom_api_fuzz_$$"
  psql -q "$PG_ADMIN" -c "CREATE DATABASE $pgdb" >/dev/null
  fuzz postgres "${PG_ADMIN%/*}/$pgdb"
else
  echo "api-fuzz: FAILED: no PostgreSQL at $PG_ADMIN (scripts/test.sh starts it)" >&2
  exit 1
fi
echo "api-fuzz: ok ($((SECONDS - started)) s)"
