#!/usr/bin/env bash
# Install what the git tests need: git (to build fixtures and run
# `git http-backend`), openssh-server (sshd on a loopback port), ssh-keygen, jq,
# plus a key-only login user for that sshd. Idempotent: a no-op in well under a
# second once done. Nothing is started here; the tests start their own servers.
# Env: GIT_SSH_TEST_USER (default jetway-git).
set -euo pipefail

log() { printf '[git.sh] %s\n' "$*" >&2; }
now_ms() { date +%s%3N; }
t0=$(now_ms)
USER_NAME=${GIT_SSH_TEST_USER:-jetway-git}

exec 9>/tmp/jetway-git-services.lock
flock 9

missing=()
command -v git >/dev/null 2>&1 || missing+=(git)
[ -x /usr/sbin/sshd ] || missing+=(openssh-server)
command -v ssh-keygen >/dev/null 2>&1 || missing+=(openssh-client)
# jq: the oracle the git decode tests compare upstream's jq wording against
command -v jq >/dev/null 2>&1 || missing+=(jq)

if [ ${#missing[@]} -gt 0 ]; then
  [ "$(id -u)" = 0 ] || { log "need root to install: ${missing[*]}"; exit 1; }
  export DEBIAN_FRONTEND=noninteractive
  # The package's maintainer scripts would start a system sshd on port 22;
  # the tests want only their own loopback one, so forbid service starts.
  added_policy=0
  if [ ! -e /usr/sbin/policy-rc.d ]; then
    printf '#!/bin/sh\nexit 101\n' >/usr/sbin/policy-rc.d
    chmod 755 /usr/sbin/policy-rc.d
    added_policy=1
  fi
  trap 'if [ "$added_policy" = 1 ]; then rm -f /usr/sbin/policy-rc.d; fi' EXIT
  aptlog=/tmp/jetway-apt-git.log
  if ! apt-get install -y -q --no-install-recommends "${missing[@]}" >"$aptlog" 2>&1; then
    apt-get update -q >>"$aptlog" 2>&1
    apt-get install -y -q --no-install-recommends "${missing[@]}" >>"$aptlog" 2>&1 \
      || { tail -20 "$aptlog" >&2; log "apt-get install ${missing[*]} failed"; exit 1; }
  fi
  log "installed ${missing[*]} in $(( $(now_ms) - t0 )) ms"
fi

# sshd started by root would need privilege separation set up; the tests run it
# as this unprivileged user instead, which can then only log in as itself.
if [ "$(id -u)" = 0 ] && ! id "$USER_NAME" >/dev/null 2>&1; then
  useradd --create-home --shell /bin/sh "$USER_NAME"
  log "created user $USER_NAME"
fi
if [ "$(id -u)" = 0 ]; then
  # A user with no password hash is "locked" to sshd; '*' means no password but not locked.
  if [ "$(getent shadow "$USER_NAME" | cut -d: -f2)" != '*' ]; then
    usermod -p '*' "$USER_NAME"
  fi
fi

log "ready ($(( $(now_ms) - t0 )) ms)"
