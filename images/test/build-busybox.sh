#!/usr/bin/env bash
# Build jetway/test-busybox: a tiny image with a POSIX shell and the usual tools
# (busybox's sh, cat, env, sleep, id, ...), for the orchestra driver tests. No image
# registry is reachable here, so it comes from Debian's busybox-static package: one
# static binary plus one symlink per applet, imported as a single layer.
# Skips (fast) when the image already exists; FORCE=1 rebuilds.
# Env: TEST_BUSYBOX_TAG (default jetway/test-busybox:latest),
#      JETWAY_CACHE (default /tmp/jetway-cache; holds the .deb).
# Prints the image reference on stdout.
set -euo pipefail

log() { printf '[build-busybox] %s\n' "$*" >&2; }
now_ms() { date +%s%3N; }
t0=$(now_ms)
TAG=${TEST_BUSYBOX_TAG:-jetway/test-busybox:latest}
CACHE=${JETWAY_CACHE:-/tmp/jetway-cache}

if [ "${FORCE:-0}" != 1 ] && docker image inspect "$TAG" >/dev/null 2>&1; then
  log "$TAG already exists ($(( $(now_ms) - t0 )) ms)"
  echo "$TAG"
  exit 0
fi

mkdir -p "$CACHE"
deb=$(ls "$CACHE"/busybox-static_*.deb 2>/dev/null | sort -V | tail -1 || true)
if [ -z "$deb" ]; then
  # apt downloads as the _apt user where it can: give it a folder it may write to
  dl=$(mktemp -d /tmp/jetway-busybox-dl.XXXXXX)
  chmod 0777 "$dl"
  if ! (cd "$dl" && apt-get download -q busybox-static >/dev/null 2>&1); then
    log "apt-get download failed; refreshing the package lists once"
    apt-get update -q >/dev/null
    (cd "$dl" && apt-get download -q busybox-static >/dev/null) || { log "apt-get download busybox-static failed"; exit 1; }
  fi
  mv "$dl"/busybox-static_*.deb "$CACHE"/
  rm -rf "$dl"
  deb=$(ls "$CACHE"/busybox-static_*.deb | sort -V | tail -1)
fi
log "package: $deb"

work=$(mktemp -d /tmp/jetway-busybox.XXXXXX)
trap 'rm -rf "$work"' EXIT
dpkg-deb -x "$deb" "$work/pkg"

root="$work/root"
install -d -m 0755 "$root"/bin "$root"/etc "$root"/root "$root"/home/user
chmod 0700 "$root/root"
install -d -m 1777 "$root/tmp"
install -m 0755 "$work/pkg/bin/busybox" "$root/bin/busybox"
for applet in $("$root/bin/busybox" --list); do
  [ "$applet" = busybox ] || ln -s busybox "$root/bin/$applet"
done
cat >"$root/etc/passwd" <<'P'
root:x:0:0:root:/root:/bin/sh
user:x:1000:1000::/home/user:/bin/sh
nobody:x:65534:65534:nobody:/nonexistent:/bin/false
P
cat >"$root/etc/group" <<'G'
root:x:0:
user:x:1000:
nogroup:x:65534:
G
chown 1000:1000 "$root/home/user"

version=$(dpkg-deb -f "$deb" Version)
id=$(tar --numeric-owner -C "$root" -c . | docker import \
  --change 'ENV PATH=/bin' \
  --change 'CMD ["sh"]' \
  --change "LABEL dev.jetway.test-busybox.version=\"$version\"" \
  -)

# smoke test before tagging, so a broken import never passes the skip check above
docker run --rm --network none "$id" sh -c 'echo hi | cat >/dev/null && sleep 0.01 && env >/dev/null'
docker tag "$id" "$TAG"
log "built $TAG (busybox $version) in $(( $(now_ms) - t0 )) ms"
echo "$TAG"
