# Sourced by the install-*.sh scripts: install Debian packages with apt-get, as root or via sudo.
# Usage: apt_install <log prefix> <package>...   (returns non-zero when it cannot)

apt_install() {
  local who=$1
  shift
  local sudo=()
  if [ "$(id -u)" -ne 0 ]; then
    if command -v sudo >/dev/null 2>&1; then
      sudo=(sudo)
    else
      printf '%s: need root (or sudo) to install: %s\n' "$who" "$*" >&2
      return 1
    fi
  fi
  export DEBIAN_FRONTEND=noninteractive
  printf '%s: running apt-get update\n' "$who"
  "${sudo[@]}" apt-get update -qq
  printf '%s: installing: %s\n' "$who" "$*"
  "${sudo[@]}" apt-get install -y -qq --no-install-recommends "$@" >/dev/null
}
