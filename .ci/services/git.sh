#!/usr/bin/env bash
# Install what the git tests need: git (to build fixtures and run
# `git http-backend`), openssh-server (sshd on a loopback port), ssh-keygen, jq,
# plus a key-only login user for that sshd. Idempotent: a no-op in well under a
# second once done. Nothing is started here; the tests start their own servers.
# Env: GIT_SSH_TEST_USER (default jetway-git).
set -euo pipefail

SERVICE=git.sh
# shellcheck source=lib.sh
. "$(dirname "$0")/lib.sh"
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

# The package's maintainer scripts would start a system sshd on port 22;
# the tests want only their own loopback one, so forbid service starts.
if [ ${#missing[@]} -gt 0 ]; then NO_SERVICE_START=1 apt_install "${missing[@]}"; fi

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
