#!/usr/bin/env bash
# Install (Debian docker-registry) and start a throw-away local image registry on
# 127.0.0.1:5000 (no auth, filesystem storage in a temp dir, deletes enabled).
# Idempotent: returns at once when /v2/ already answers.
# Env: REGISTRY_ADDR (default 127.0.0.1:5000), REGISTRY_DIR (default /tmp/jetway-registry).
set -euo pipefail

SERVICE=registry.sh
# shellcheck source=lib.sh
. "$(dirname "$0")/lib.sh"
t0=$(now_ms)
ADDR=${REGISTRY_ADDR:-127.0.0.1:5000}
DIR=${REGISTRY_DIR:-/tmp/jetway-registry}

up() { curl -fsS -o /dev/null --max-time 2 "http://$ADDR/v2/" 2>/dev/null; }

command -v curl >/dev/null 2>&1 || apt_install curl

exec 9>/tmp/jetway-registry.lock
flock -w 120 9 || { log "could not take /tmp/jetway-registry.lock"; exit 1; }

if up; then
  log "registry already answering on $ADDR ($(( $(now_ms) - t0 )) ms)"
  exit 0
fi

[ -x /usr/bin/docker-registry ] || apt_install docker-registry

mkdir -p "$DIR/storage"
cat >"$DIR/config.yml" <<YAML
version: 0.1
log:
  level: warn
storage:
  filesystem:
    rootdirectory: $DIR/storage
  delete:
    enabled: true
  cache:
    blobdescriptor: inmemory
http:
  addr: $ADDR
  headers:
    X-Content-Type-Options: [nosniff]
YAML

# The Debian package may have started its own instance under a service manager on
# machines that have one; we only ever start ours, with our config.
t2=$(now_ms)
setsid nohup /usr/bin/docker-registry serve "$DIR/config.yml" >"$DIR/registry.log" 2>&1 </dev/null 9>&- &
pid=$!
echo "$pid" >"$DIR/registry.pid"
log "started docker-registry (pid $pid, log $DIR/registry.log)"

deadline=$(( $(date +%s) + 30 ))
until up; do
  if ! kill -0 "$pid" 2>/dev/null || [ "$(date +%s)" -ge "$deadline" ]; then
    log "registry did not answer on $ADDR; last log lines:"
    tail -30 "$DIR/registry.log" >&2 || true
    exit 1
  fi
  sleep 0.05
done
log "registry answering on $ADDR after $(( $(now_ms) - t2 )) ms (total $(( $(now_ms) - t0 )) ms)"
