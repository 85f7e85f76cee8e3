#!/usr/bin/env bash
# Install (Debian ceph-mon, ceph-osd, radosgw, ceph-common) and start a one-node
# Ceph cluster with a RADOS Gateway on 127.0.0.1:7480, for the s3 tests and bench.
# Pacific has no standalone RGW, hence mon + one memstore OSD + radosgw, all with
# auth off and msgr v1 only, everything under $RGW_DIR, no systemd.
# Then: a test user with fixed keys, a warm-up (the first bucket create, put and
# multipart upload each take seconds while RGW creates its pools), and
# $RGW_DIR/env.json, which the tests read.
# Idempotent: when RGW answers and env.json is there, a no-op in well under a second.
# memstore keeps the data in the OSD's memory, so a dead cluster is rebuilt from nothing.
# Env: RGW_DIR (default /tmp/jetway-rgw), RGW_WAIT_SECONDS (default 90).
set -euo pipefail

log() { printf '[ceph.sh] %s\n' "$*" >&2; }
now_ms() { date +%s%3N; }
t0=$(now_ms)
D=${RGW_DIR:-/tmp/jetway-rgw}
case $D in /tmp/?*) ;; *) log "RGW_DIR must be a folder under /tmp (it is wiped): $D"; exit 1 ;; esac
WAIT=${RGW_WAIT_SECONDS:-90}
ENDPOINT=http://127.0.0.1:7480
# Test-only credentials for a loopback server that holds nothing but test data.
ACCESS_KEY=JETWAYTESTACCESSKEY0
SECRET_KEY=jetway-test-secret-key-not-a-real-secret-0000
REGION=us-east-1
CONF=$D/ceph.conf
REPO=$(cd "$(dirname "$0")/../.." && pwd)

rgw_answers() { curl -s -o /dev/null --max-time 2 "$ENDPOINT/"; }

mkdir -p "$D"
exec 9>"$D.lock"
flock -w 300 9 || { log "could not take $D.lock"; exit 1; }

if [ -s "$D/env.json" ] && rgw_answers; then
  log "RGW already answering at $ENDPOINT ($(( $(now_ms) - t0 )) ms)"
  exit 0
fi

missing=()
command -v ceph-mon >/dev/null 2>&1 || missing+=(ceph-mon)
command -v ceph-osd >/dev/null 2>&1 || missing+=(ceph-osd)
command -v radosgw >/dev/null 2>&1 || missing+=(radosgw)
command -v ceph >/dev/null 2>&1 || missing+=(ceph-common)
if [ ${#missing[@]} -gt 0 ]; then
  [ "$(id -u)" = 0 ] || { log "need root to install: ${missing[*]}"; exit 1; }
  t1=$(now_ms)
  export DEBIAN_FRONTEND=noninteractive
  # The packages' maintainer scripts would try to start system daemons: forbid it,
  # the cluster below is ours alone.
  added_policy=0
  if [ ! -e /usr/sbin/policy-rc.d ]; then
    printf '#!/bin/sh\nexit 101\n' >/usr/sbin/policy-rc.d
    chmod 755 /usr/sbin/policy-rc.d
    added_policy=1
  fi
  trap 'if [ "$added_policy" = 1 ]; then rm -f /usr/sbin/policy-rc.d; fi' EXIT
  aptlog=/tmp/jetway-apt-ceph.log
  if ! apt-get install -y -q --no-install-recommends "${missing[@]}" >"$aptlog" 2>&1; then
    apt-get update -q >>"$aptlog" 2>&1
    apt-get install -y -q --no-install-recommends "${missing[@]}" >>"$aptlog" 2>&1 \
      || { tail -20 "$aptlog" >&2; log "apt-get install ${missing[*]} failed"; exit 1; }
  fi
  log "installed ${missing[*]} in $(( $(now_ms) - t1 )) ms"
fi

# Whatever is left of an earlier cluster (a dead daemon, a half-built run) goes:
# memstore data does not outlive its OSD anyway. Only our own daemons, by pid file.
for pidfile in "$D"/run/*.started-pid; do
  [ -f "$pidfile" ] || continue
  pid=$(cat "$pidfile" 2>/dev/null || true)
  # the pid may have been reused since: only a ceph daemon of ours is stopped
  if [ -n "$pid" ] && grep -qaE '^(ceph-mon|ceph-osd|radosgw)' "/proc/$pid/cmdline" 2>/dev/null; then
    kill "$pid" 2>/dev/null || true
    for _ in $(seq 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
    kill -9 "$pid" 2>/dev/null || true
  fi
done
find "$D" -mindepth 1 -maxdepth 1 -exec rm -rf {} +
mkdir -p "$D/run" "$D/log" "$D/mon" "$D/osd/ceph-0" "$D/rgw"

t2=$(now_ms)
FSID=$(cat /proc/sys/kernel/random/uuid)
cat >"$CONF" <<EOF
[global]
fsid = $FSID
mon_host = v1:127.0.0.1:6789
auth_cluster_required = none
auth_service_required = none
auth_client_required = none
ms_bind_msgr2 = false
osd_pool_default_size = 1
osd_pool_default_min_size = 1
mon_allow_pool_size_one = true
osd_pool_default_pg_num = 8
osd_pool_default_pgp_num = 8
osd_pool_default_pg_autoscale_mode = off
osd_crush_chooseleaf_type = 0
mon_warn_on_pool_no_redundancy = false
run_dir = $D/run
admin_socket = $D/run/\$name.asok
log_file = $D/log/\$name.log
pid_file = $D/run/\$name.pid
keyring = $D/keyring
mon_data = $D/mon/\$cluster-\$id
osd_data = $D/osd/\$cluster-\$id

[osd]
# loopback only (the OSD would otherwise bind every interface)
public_addr = 127.0.0.1
cluster_addr = 127.0.0.1
osd_objectstore = memstore
# At start an OSD may send these crush updates before it has the monmap; the mon
# then refuses them ("wrong fsid") and the OSD exits. The script places it itself.
osd_crush_update_on_start = false
osd_class_update_on_start = false
# The bench bucket holds 100,000+ objects; the default 1 GiB store would fill.
memstore_device_bytes = 8589934592

[client.rgw.a]
rgw_frontends = beast endpoint=127.0.0.1:7480
rgw_data = $D/rgw
EOF
export CEPH_CONF=$CONF

# Daemons run in the foreground (-f) under setsid, so they outlive this script;
# 9>&-: they must not hold the lock descriptor forever.
start_daemon() {
  local name=$1; shift
  setsid nohup "$@" -f >"$D/log/$name.out" 2>&1 </dev/null 9>&- &
  echo $! >"$D/run/$name.started-pid"
}
fail() {
  log "$1; last log lines:"
  tail -20 "$D"/log/*.log "$D"/log/*.out 2>/dev/null >&2 || true
  exit 1
}
wait_until() {
  local what=$1; shift
  local deadline=$(( $(date +%s) + WAIT ))
  until "$@" >/dev/null 2>&1; do
    [ "$(date +%s)" -lt "$deadline" ] || fail "$what not ready within ${WAIT}s"
    sleep 0.2
  done
}

monmaptool --create --fsid "$FSID" --addv a '[v1:127.0.0.1:6789]' "$D/monmap" >/dev/null
ceph-mon --mkfs -i a --monmap "$D/monmap" >/dev/null 2>&1 || fail "ceph-mon --mkfs failed"
start_daemon mon.a ceph-mon -i a
wait_until "mon" timeout 5 ceph mon stat

OSD_UUID=$(cat /proc/sys/kernel/random/uuid)
osd_id=$(timeout 30 ceph osd new "$OSD_UUID") || fail "ceph osd new failed"
ceph-osd -i "$osd_id" --mkfs --osd-uuid "$OSD_UUID" >/dev/null 2>&1 || fail "ceph-osd --mkfs failed"
timeout 30 ceph osd crush add "osd.$osd_id" 1.0 root=default >/dev/null 2>&1 || fail "ceph osd crush add failed"
start_daemon "osd.$osd_id" ceph-osd -i "$osd_id"
osd_up() { timeout 5 ceph osd dump 2>/dev/null | grep -q "^osd.$osd_id up"; }
wait_until "osd.$osd_id" osd_up

start_daemon rgw.a radosgw -n client.rgw.a
wait_until "radosgw" rgw_answers
log "cluster up in $(( $(now_ms) - t2 )) ms"

if ! timeout 60 radosgw-admin user info --uid test >/dev/null 2>&1; then
  timeout 60 radosgw-admin user create --uid test --display-name "jetway tests" \
    --access-key "$ACCESS_KEY" --secret "$SECRET_KEY" >/dev/null \
    || fail "radosgw-admin user create failed"
fi

# Warm-up: RGW creates its data and index pools on first use; pay for it here, not
# in a test's timeout. Then write env.json last: its presence means "ready".
t3=$(now_ms)
NODE=$REPO/node_modules/.bin/node
[ -x "$NODE" ] || NODE=node
(cd "$REPO" && RGW_ENDPOINT=$ENDPOINT RGW_ACCESS_KEY=$ACCESS_KEY RGW_SECRET_KEY=$SECRET_KEY \
  RGW_REGION=$REGION "$NODE" --input-type=module -e '
import {
  S3Client, CreateBucketCommand, PutObjectCommand, PutBucketVersioningCommand,
  CreateMultipartUploadCommand, UploadPartCommand, CompleteMultipartUploadCommand,
  ListObjectVersionsCommand, DeleteObjectCommand, DeleteBucketCommand,
} from "@aws-sdk/client-s3";
const e = process.env;
const s3 = new S3Client({
  endpoint: e.RGW_ENDPOINT, region: e.RGW_REGION, forcePathStyle: true,
  credentials: { accessKeyId: e.RGW_ACCESS_KEY, secretAccessKey: e.RGW_SECRET_KEY },
  requestChecksumCalculation: "WHEN_REQUIRED", responseChecksumValidation: "WHEN_REQUIRED",
});
const Bucket = "jetway-warmup-" + Date.now();
await s3.send(new CreateBucketCommand({ Bucket }));
await s3.send(new PutBucketVersioningCommand({ Bucket, VersioningConfiguration: { Status: "Enabled" } }));
await s3.send(new PutObjectCommand({ Bucket, Key: "a", Body: "warm" }));
const { UploadId } = await s3.send(new CreateMultipartUploadCommand({ Bucket, Key: "m" }));
const part = await s3.send(new UploadPartCommand({ Bucket, Key: "m", UploadId, PartNumber: 1, Body: "x" }));
await s3.send(new CompleteMultipartUploadCommand({
  Bucket, Key: "m", UploadId, MultipartUpload: { Parts: [{ ETag: part.ETag, PartNumber: 1 }] },
}));
const versions = await s3.send(new ListObjectVersionsCommand({ Bucket }));
for (const v of [...(versions.Versions ?? []), ...(versions.DeleteMarkers ?? [])]) {
  await s3.send(new DeleteObjectCommand({ Bucket, Key: v.Key, VersionId: v.VersionId }));
}
await s3.send(new DeleteBucketCommand({ Bucket }));
') >"$D/log/warmup.out" 2>&1 || fail "warm-up against $ENDPOINT failed ($(tail -3 "$D/log/warmup.out"))"
log "warmed up in $(( $(now_ms) - t3 )) ms"

printf '{"endpoint":"%s","accessKeyId":"%s","secretAccessKey":"%s","region":"%s"}\n' \
  "$ENDPOINT" "$ACCESS_KEY" "$SECRET_KEY" "$REGION" >"$D/env.json.tmp"
mv "$D/env.json.tmp" "$D/env.json"
log "RGW ready at $ENDPOINT (total $(( $(now_ms) - t0 )) ms)"
