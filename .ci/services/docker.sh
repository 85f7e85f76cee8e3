#!/usr/bin/env bash
# Install (Debian docker.io) and start a Docker engine if none answers. Idempotent:
# returns in well under a second when the engine is already up.
# Env: DOCKERD_LOG (default /tmp/jetway-dockerd.log), DOCKER_WAIT_SECONDS (default 60).
set -euo pipefail

SERVICE=docker.sh
# shellcheck source=lib.sh
. "$(dirname "$0")/lib.sh"
t0=$(now_ms)
DOCKERD_LOG=${DOCKERD_LOG:-/tmp/jetway-dockerd.log}
WAIT=${DOCKER_WAIT_SECONDS:-60}

engine_up() { docker info >/dev/null 2>&1; }

# Serialise concurrent callers (parallel jobs on one machine).
exec 9>/tmp/jetway-docker.lock
flock -w 120 9 || { log "could not take /tmp/jetway-docker.lock"; exit 1; }

if engine_up; then
  log "engine already answering ($(( $(now_ms) - t0 )) ms)"
  exit 0
fi

command -v dockerd >/dev/null 2>&1 || apt_install docker.io

# A client must exist too (docker.io ships /usr/bin/docker).
command -v docker >/dev/null 2>&1 || { log "no docker client on PATH"; exit 1; }

if ! pgrep -x dockerd >/dev/null 2>&1; then
  t2=$(now_ms)
  # Stale pid file from a dead daemon blocks start-up.
  if [ -f /var/run/docker.pid ] && ! kill -0 "$(cat /var/run/docker.pid)" 2>/dev/null; then
    rm -f /var/run/docker.pid
  fi
  # setsid: detach from this script's process group so the daemon outlives it;
  # 9>&-: the daemon must not inherit (and hold forever) the lock descriptor.
  setsid nohup dockerd >"$DOCKERD_LOG" 2>&1 </dev/null 9>&- &
  log "started dockerd (pid $!, log $DOCKERD_LOG)"
else
  t2=$(now_ms)
  log "dockerd process present but not answering yet; waiting"
fi

deadline=$(( $(date +%s) + WAIT ))
until engine_up; do
  if [ "$(date +%s)" -ge "$deadline" ]; then
    log "engine did not answer within ${WAIT}s; last log lines:"
    tail -30 "$DOCKERD_LOG" >&2 || true
    exit 1
  fi
  sleep 0.2
done
log "engine answering after $(( $(now_ms) - t2 )) ms (total $(( $(now_ms) - t0 )) ms)"
