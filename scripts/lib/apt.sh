# Sourced by the install-*.sh scripts: install Debian packages with apt-get, as root or via sudo.
# Usage: apt_install <log prefix> <package>...   (returns non-zero when it cannot)
#
# Another apt-get or dpkg (unattended-upgrades, a second install script, a helper's shell) may
# hold the package manager's locks. Instead of failing at once ("Could not get lock
# /var/lib/dpkg/lock-frontend"), each apt-get waits for them: apt's own DPkg::Lock::Timeout for
# the dpkg lock, and a retry loop for every lock (apt-get update's lists lock included) until
# APT_LOCK_TIMEOUT seconds (default 900) have passed. APT_LOCK_POLL is the pause between tries.

APT_LOCK_TIMEOUT=${APT_LOCK_TIMEOUT:-900}
APT_LOCK_POLL=${APT_LOCK_POLL:-5}

# apt_locked <stderr file>: whether apt-get failed because another process holds a lock
apt_locked() {
  grep -qiE 'could not get lock|unable to acquire the dpkg frontend lock|unable to lock (the )?(administration|download|list) directory|is another process using it' "$1"
}

# apt_run <log prefix> <command>...: run an apt-get command, waiting while the locks are held
apt_run() {
  local who=$1
  shift
  local waited=0 status err
  err=$(mktemp)
  while :; do
    status=0
    "$@" 2>"$err" || status=$?
    if [ "$status" -eq 0 ] || ! apt_locked "$err"; then
      cat "$err" >&2
      rm -f "$err"
      return "$status"
    fi
    if [ "$waited" -ge "$APT_LOCK_TIMEOUT" ]; then
      cat "$err" >&2
      printf '%s: the apt/dpkg lock is still held after %ss; giving up\n' "$who" "$waited" >&2
      rm -f "$err"
      return "$status"
    fi
    if [ "$waited" -eq 0 ]; then
      printf '%s: another apt-get/dpkg holds the lock; waiting up to %ss\n' "$who" "$APT_LOCK_TIMEOUT" >&2
    fi
    sleep "$APT_LOCK_POLL"
    waited=$((waited + APT_LOCK_POLL))
  done
}

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
  local wait_opt=(-o "DPkg::Lock::Timeout=$APT_LOCK_TIMEOUT")
  printf '%s: running apt-get update\n' "$who"
  apt_run "$who" "${sudo[@]}" apt-get "${wait_opt[@]}" update -qq || return $?
  printf '%s: installing: %s\n' "$who" "$*"
  apt_run "$who" "${sudo[@]}" apt-get "${wait_opt[@]}" install -y -qq --no-install-recommends "$@" >/dev/null
}
