#!/usr/bin/env bash
# The console in a real browser: installs Debian's chromium and chromium-driver when they
# are missing, starts chromedriver, and runs the WebDriver test (tests/console_browser.rs),
# which signs in through the emulator, filters the list, opens an incident and the report,
# fails on any console error or failed request, and saves screenshots to target/screenshots/.
# When the browser cannot be installed it says so and skips (exit 0), so CI without apt
# still passes the rest; set WARROOM_REQUIRE_BROWSER=1 to make that a failure.
set -euo pipefail
cd "$(dirname "$0")/.."

skip() {
  echo "browser-test: SKIPPED — $*" >&2
  if [ "${WARROOM_REQUIRE_BROWSER:-0}" = 1 ]; then exit 1; fi
  exit 0
}

find_bin() {
  for b in "$@"; do
    if command -v "$b" >/dev/null 2>&1; then command -v "$b"; return 0; fi
  done
  return 1
}

CHROMIUM=$(find_bin chromium chromium-browser || true)
DRIVER=$(find_bin chromedriver chromium-driver || true)
if [ -z "$CHROMIUM" ] || [ -z "$DRIVER" ]; then
  echo "browser-test: installing chromium and chromium-driver (apt)" >&2
  SUDO=""
  if [ "$(id -u)" != 0 ]; then SUDO="sudo -n"; fi
  if ! { $SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq chromium chromium-driver; } >&2; then
    skip "could not install chromium/chromium-driver with apt-get (no root or no network)"
  fi
  CHROMIUM=$(find_bin chromium chromium-browser || true)
  DRIVER=$(find_bin chromedriver chromium-driver || true)
  [ -n "$CHROMIUM" ] && [ -n "$DRIVER" ] || skip "chromium or chromedriver still missing after apt-get install"
fi

PORT=${WARROOM_WEBDRIVER_PORT:-9515}
"$DRIVER" --port="$PORT" --allowed-ips=127.0.0.1 >target/chromedriver.log 2>&1 &
DRIVER_PID=$!
trap 'kill "$DRIVER_PID" 2>/dev/null || true' EXIT
for _ in $(seq 1 100); do
  if curl -fsS "http://127.0.0.1:$PORT/status" >/dev/null 2>&1; then break; fi
  sleep 0.1
done
curl -fsS "http://127.0.0.1:$PORT/status" >/dev/null || skip "chromedriver did not start (see target/chromedriver.log)"

mkdir -p target/screenshots
WARROOM_WEBDRIVER="http://127.0.0.1:$PORT" CHROMIUM_BIN="$CHROMIUM" \
  cargo test --test console_browser -- --ignored --nocapture "$@"
echo "browser-test: screenshots in target/screenshots/" >&2
ls target/screenshots/ >&2
