# Sourced by the CI scripts: `ci_venv PACKAGE==VERSION…` makes (once) a Python virtual
# environment under ~/.cache/warroom-ci with those packages from PyPI and puts its bin/
# first on PATH. Returns non-zero, with the reason on stderr, when it cannot.
ci_venv() {
  local dir="${WARROOM_CI_CACHE:-$HOME/.cache/warroom-ci}/venv"
  local python
  python="$(command -v python3 || true)"
  if [ -z "$python" ]; then
    echo "python3 is not installed" >&2
    return 1
  fi
  if [ ! -x "$dir/bin/pip" ]; then
    "$python" -m venv "$dir" >&2 || return 1
  fi
  local missing=()
  local pkg
  for pkg in "$@"; do
    "$dir/bin/pip" show -q "${pkg%%==*}" >/dev/null 2>&1 \
      && [ "$("$dir/bin/pip" show "${pkg%%==*}" 2>/dev/null | sed -n 's/^Version: //p')" = "${pkg#*==}" ] \
      || missing+=("$pkg")
  done
  if [ "${#missing[@]}" -gt 0 ]; then
    "$dir/bin/pip" install -q --disable-pip-version-check "${missing[@]}" >&2 || return 1
  fi
  PATH="$dir/bin:$PATH"
  export PATH
}
