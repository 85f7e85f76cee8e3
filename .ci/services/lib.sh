# Sourced by the service scripts after they set SERVICE (their name, for log lines).

log() { printf '[%s] %s\n' "$SERVICE" "$*" >&2; }
now_ms() { date +%s%3N; }

# apt_install PKG...: installs quietly, running apt-get update only when the first
# try fails (a fresh machine's lists may be stale or missing). With
# NO_SERVICE_START=1 the packages' maintainer scripts may not start system daemons
# (a system sshd, ceph's units): the services here are the tests' own.
apt_install() {
  [ "$(id -u)" = 0 ] || { log "need root to install: $*"; exit 1; }
  local t1 ok=1 added_policy=0 aptlog="/tmp/jetway-apt-${SERVICE%.sh}.log"
  t1=$(now_ms)
  export DEBIAN_FRONTEND=noninteractive
  if [ "${NO_SERVICE_START:-0}" = 1 ] && [ ! -e /usr/sbin/policy-rc.d ]; then
    printf '#!/bin/sh\nexit 101\n' >/usr/sbin/policy-rc.d
    chmod 755 /usr/sbin/policy-rc.d
    added_policy=1
  fi
  if ! apt-get install -y -q --no-install-recommends "$@" >"$aptlog" 2>&1; then
    apt-get update -q >>"$aptlog" 2>&1 || true
    apt-get install -y -q --no-install-recommends "$@" >>"$aptlog" 2>&1 || ok=0
  fi
  if [ "$added_policy" = 1 ]; then rm -f /usr/sbin/policy-rc.d; fi
  [ "$ok" = 1 ] || { tail -20 "$aptlog" >&2; log "apt-get install $* failed"; exit 1; }
  log "installed $* in $(( $(now_ms) - t1 )) ms"
}
