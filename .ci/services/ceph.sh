#!/usr/bin/env bash
# Install (Debian ceph-mon, ceph-osd, radosgw, ceph-common, openssl) and start a
# one-node Ceph cluster with two RADOS Gateways over the same data, for the s3 tests
# and bench:
# - rgw.a, S3: 127.0.0.1:7480 (http) and 127.0.0.1:7443 (https, a certificate for
#   127.0.0.1 and localhost from a throwaway CA);
# - rgw.sts, S3 and STS (AssumeRole, session tokens): 127.0.0.1:7481 and :7444 (https).
#   STS has a gateway of its own because enabling it changes RGW's answers to wrong
#   credentials (AccessDenied where AWS says SignatureDoesNotMatch, a 400 for a bogus
#   session token), which the other tests pin.
# Pacific has no standalone RGW, hence mon + one memstore OSD + radosgw, all with
# auth off and msgr v1 only, everything under $RGW_DIR, no systemd.
# Then: a test user with fixed keys, an STS role that user may assume (for
# aws_role_arn; its policy allows only buckets named like $ROLE_BUCKETS), a
# warm-up (the first bucket create, put and multipart upload each take seconds
# while RGW creates its pools), an AssumeRole over https and a request with its
# session as a last check, and $RGW_DIR/env.json, which the tests read.
# Idempotent: when both gateways answer and env.json is current, a no-op in well
# under a second. A cluster started by an older version of this script is kept:
# only the gateways' configuration is brought up to date and radosgw alone restarted.
# memstore keeps the data in the OSD's memory, so a dead cluster is rebuilt from nothing.
# Env: RGW_DIR (default /tmp/jetway-rgw), RGW_WAIT_SECONDS (default 90).
set -euo pipefail

SERVICE=ceph.sh
# shellcheck source=lib.sh
. "$(dirname "$0")/lib.sh"
t0=$(now_ms)
D=${RGW_DIR:-/tmp/jetway-rgw}
case $D in /tmp/?*) ;; *) log "RGW_DIR must be a folder under /tmp (it is wiped): $D"; exit 1 ;; esac
WAIT=${RGW_WAIT_SECONDS:-90}
ENDPOINT=http://127.0.0.1:7480
TLS_ENDPOINT=https://127.0.0.1:7443
STS_ENDPOINT=http://127.0.0.1:7481
STS_TLS_ENDPOINT=https://127.0.0.1:7444
TLS=$D/tls
# Test-only credentials for a loopback server that holds nothing but test data.
ACCESS_KEY=JETWAYTESTACCESSKEY0
SECRET_KEY=jetway-test-secret-key-not-a-real-secret-0000
REGION=us-east-1
# STS: RGW encrypts session tokens with this key (AES-128: exactly 16 characters).
STS_KEY=jetway-sts-key16
ROLE=jetway-test-role
ROLE_ARN=arn:aws:iam:::role/$ROLE
# The role may touch only these buckets: a test proves the role's credentials were
# used by being refused a bucket the user itself may use. (Pacific's RGW matched
# nothing with *-via-role-* or *-via-role*, hence this form.)
ROLE_BUCKETS='jetway-*via-role-*'
CONF=$D/ceph.conf
REPO=$(cd "$(dirname "$0")/../.." && pwd)

answers() { curl -s -o /dev/null --max-time 2 --cacert "$TLS/ca.pem" "$1/"; }
# a gateway: its http and https endpoints both answer (the https one with our CA)
gateway_answers() { answers "$1" && [ -s "$TLS/ca.pem" ] && answers "$2"; }
rgw_answers() { gateway_answers "$ENDPOINT" "$TLS_ENDPOINT"; }
sts_answers() { gateway_answers "$STS_ENDPOINT" "$STS_TLS_ENDPOINT"; }
env_json() {
  printf '{"endpoint":"%s","tlsEndpoint":"%s","stsEndpoint":"%s","stsTlsEndpoint":"%s","caFile":"%s","accessKeyId":"%s","secretAccessKey":"%s","region":"%s","roleArn":"%s","roleBuckets":"%s"}\n' \
    "$ENDPOINT" "$TLS_ENDPOINT" "$STS_ENDPOINT" "$STS_TLS_ENDPOINT" "$TLS/ca.pem" "$ACCESS_KEY" "$SECRET_KEY" "$REGION" "$ROLE_ARN" "$ROLE_BUCKETS"
}
# an env.json other than this script's (an older script's lacks https and the role) means set-up to do
env_current() { [ "$(cat "$D/env.json" 2>/dev/null)" = "$(env_json)" ]; }

mkdir -p "$D"
exec 9>"$D.lock"
flock -w 300 9 || { log "could not take $D.lock"; exit 1; }

if env_current && rgw_answers && sts_answers; then
  log "RGW already answering at $ENDPOINT, $TLS_ENDPOINT, $STS_ENDPOINT and $STS_TLS_ENDPOINT ($(( $(now_ms) - t0 )) ms)"
  exit 0
fi

missing=()
command -v ceph-mon >/dev/null 2>&1 || missing+=(ceph-mon)
command -v ceph-osd >/dev/null 2>&1 || missing+=(ceph-osd)
command -v radosgw >/dev/null 2>&1 || missing+=(radosgw)
command -v ceph >/dev/null 2>&1 || missing+=(ceph-common)
command -v openssl >/dev/null 2>&1 || missing+=(openssl)
# The packages' maintainer scripts would try to start system daemons: forbid it,
# the cluster below is ours alone.
if [ ${#missing[@]} -gt 0 ]; then NO_SERVICE_START=1 apt_install "${missing[@]}"; fi

export CEPH_CONF=$CONF

# Stops a daemon of ours by its pid file; the pid may have been reused since, so only
# a ceph daemon is stopped.
stop_started() {
  local pidfile=$1 pid
  [ -f "$pidfile" ] || return 0
  pid=$(cat "$pidfile" 2>/dev/null || true)
  if [ -n "$pid" ] && grep -qaE '^(ceph-mon|ceph-osd|radosgw)' "/proc/$pid/cmdline" 2>/dev/null; then
    kill "$pid" 2>/dev/null || true
    for _ in $(seq 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
    kill -9 "$pid" 2>/dev/null || true
  fi
  rm -f "$pidfile"
}
started_alive() {
  local pid
  pid=$(cat "$D/run/$1.started-pid" 2>/dev/null) && [ -n "$pid" ] && grep -qaE "^$2" "/proc/$pid/cmdline" 2>/dev/null
}
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
osd_up() { timeout 5 ceph osd dump 2>/dev/null | grep -qE "^osd\.${1:-[0-9]+} up"; }
# A mon and an OSD of ours, up: RGW can be (re)started on them, the data they hold kept.
cluster_alive() {
  [ -s "$CONF" ] && started_alive mon.a ceph-mon && started_alive osd.0 ceph-osd && osd_up 0
}

# The gateways' sections of ceph.conf (the last ones).
rgw_sections() {
  cat <<EOF
[client.rgw.a]
rgw_frontends = beast endpoint=127.0.0.1:7480 ssl_endpoint=127.0.0.1:7443 ssl_certificate=$TLS/rgw.pem ssl_private_key=$TLS/rgw.key
rgw_data = $D/rgw

[client.rgw.sts]
rgw_frontends = beast endpoint=127.0.0.1:7481 ssl_endpoint=127.0.0.1:7444 ssl_certificate=$TLS/rgw.pem ssl_private_key=$TLS/rgw.key
rgw_data = $D/rgw-sts
rgw_sts_key = $STS_KEY
rgw_s3_auth_use_sts = true
EOF
}

# A throwaway CA and a certificate for 127.0.0.1 and localhost signed by it; the CA's
# key is deleted once it has signed. Kept while the certificate has a day left.
ensure_tls() {
  if [ -s "$TLS/ca.pem" ] && [ -s "$TLS/rgw.key" ] && openssl x509 -in "$TLS/rgw.pem" -noout -checkend 86400 >/dev/null 2>&1; then
    return 0
  fi
  local t=$(now_ms)
  rm -rf "$TLS"
  mkdir -p "$TLS"
  cat >"$TLS/openssl.cnf" <<'EOF'
[req]
distinguished_name = dn
prompt = no
[dn]
CN = jetway test CA
[ca]
basicConstraints = critical,CA:TRUE
keyUsage = critical,keyCertSign,cRLSign
subjectKeyIdentifier = hash
[server]
basicConstraints = critical,CA:FALSE
keyUsage = critical,digitalSignature
extendedKeyUsage = serverAuth
subjectAltName = IP:127.0.0.1,DNS:localhost
authorityKeyIdentifier = keyid
EOF
  {
    openssl req -x509 -config "$TLS/openssl.cnf" -extensions ca -newkey ec -pkeyopt ec_paramgen_curve:P-256 \
      -nodes -keyout "$TLS/ca.key" -out "$TLS/ca.pem" -days 3650 &&
    openssl req -new -config "$TLS/openssl.cnf" -subj /CN=127.0.0.1 -newkey ec -pkeyopt ec_paramgen_curve:P-256 \
      -nodes -keyout "$TLS/rgw.key" -out "$TLS/rgw.csr" &&
    openssl x509 -req -in "$TLS/rgw.csr" -CA "$TLS/ca.pem" -CAkey "$TLS/ca.key" -set_serial "0x$(openssl rand -hex 8)" \
      -days 3650 -extfile "$TLS/openssl.cnf" -extensions server -out "$TLS/rgw.pem"
  } >"$D/log/openssl.out" 2>&1 || fail "making the TLS certificates failed"
  rm -f "$TLS/ca.key" "$TLS/rgw.csr"
  log "made a CA and RGW's certificate in $(( $(now_ms) - t )) ms"
}

if cluster_alive; then
  log "mon and osd up: keeping the cluster"
else
  # Whatever is left of an earlier cluster (a dead daemon, a half-built run) goes:
  # memstore data does not outlive its OSD anyway. Only our own daemons, by pid file.
  for pidfile in "$D"/run/*.started-pid; do stop_started "$pidfile"; done
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

EOF

  monmaptool --create --fsid "$FSID" --addv a '[v1:127.0.0.1:6789]' "$D/monmap" >/dev/null
  ceph-mon --mkfs -i a --monmap "$D/monmap" >/dev/null 2>&1 || fail "ceph-mon --mkfs failed"
  start_daemon mon.a ceph-mon -i a
  wait_until "mon" timeout 5 ceph mon stat

  OSD_UUID=$(cat /proc/sys/kernel/random/uuid)
  osd_id=$(timeout 30 ceph osd new "$OSD_UUID") || fail "ceph osd new failed"
  ceph-osd -i "$osd_id" --mkfs --osd-uuid "$OSD_UUID" >/dev/null 2>&1 || fail "ceph-osd --mkfs failed"
  timeout 30 ceph osd crush add "osd.$osd_id" 1.0 root=default >/dev/null 2>&1 || fail "ceph osd crush add failed"
  start_daemon "osd.$osd_id" ceph-osd -i "$osd_id"
  wait_until "osd.$osd_id" osd_up "$osd_id"
  log "mon and osd up in $(( $(now_ms) - t2 )) ms"
fi
mkdir -p "$D/run" "$D/log" "$D/rgw" "$D/rgw-sts"

# The gateways: their sections of ceph.conf as this script writes them now. radosgw
# reads them only at start, so changed sections (an older script's: one gateway, no
# https), or a gateway not answering on both its endpoints, mean (re)starting it.
t3=$(now_ms)
ensure_tls
wanted=$(rgw_sections)
current=$(awk '/^\[client\.rgw\.a\]/{p=1} p' "$CONF")
if [ "$current" != "$wanted" ]; then
  sed -i '/^\[client\.rgw\.a\]/,$d' "$CONF"
  printf '%s\n' "$wanted" >>"$CONF"
fi
restarted=()
for gw in a sts; do
  ok=rgw_answers
  [ "$gw" = sts ] && ok=sts_answers
  if [ "$current" != "$wanted" ] || ! started_alive "rgw.$gw" radosgw || ! $ok; then
    stop_started "$D/run/rgw.$gw.started-pid"
    start_daemon "rgw.$gw" radosgw -n "client.rgw.$gw"
    restarted+=("$gw")
  fi
done
if [ ${#restarted[@]} -gt 0 ]; then
  wait_until "radosgw rgw.a" rgw_answers
  wait_until "radosgw rgw.sts" sts_answers
  log "radosgw ${restarted[*]} (re)started in $(( $(now_ms) - t3 )) ms"
fi

if ! timeout 60 radosgw-admin user info --uid test >/dev/null 2>&1; then
  timeout 60 radosgw-admin user create --uid test --display-name "jetway tests" \
    --access-key "$ACCESS_KEY" --secret "$SECRET_KEY" >/dev/null \
    || fail "radosgw-admin user create failed"
fi

# The role: the test user may assume it (trust policy); what it may do is one
# permission policy, put again on every run so a changed one takes effect.
t4=$(now_ms)
TRUST='{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":["arn:aws:iam:::user/test"]},"Action":["sts:AssumeRole"]}]}'
POLICY='{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":["s3:*"],"Resource":["arn:aws:s3:::'"$ROLE_BUCKETS"'","arn:aws:s3:::'"$ROLE_BUCKETS"'/*"]}]}'
if ! timeout 60 radosgw-admin role get --role-name "$ROLE" >/dev/null 2>&1; then
  timeout 60 radosgw-admin role create --role-name "$ROLE" --assume-role-policy-doc "$TRUST" >/dev/null \
    || fail "radosgw-admin role create failed"
fi
timeout 60 radosgw-admin role-policy put --role-name "$ROLE" --policy-name jetway-via-role --policy-doc "$POLICY" >/dev/null \
  || fail "radosgw-admin role-policy put failed"
log "role $ROLE_ARN ready in $(( $(now_ms) - t4 )) ms"

NODE=$REPO/node_modules/.bin/node
[ -x "$NODE" ] || NODE=node
# Warm-up: RGW creates its data and index pools on first use; pay for it here, not
# in a test's timeout. Needed once per cluster: an env.json (of any version) means done.
warm_up() {
  local t=$(now_ms)
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
  log "warmed up in $(( $(now_ms) - t )) ms"
}
[ -s "$D/env.json" ] || warm_up

# Last check: the role assumed over https, trusting only our CA, and its session
# accepted: a bucket the role may see, which does not exist, is "not found" (a rejected
# session token would be a 400 or 403).
t6=$(now_ms)
(cd "$REPO" && RGW_STS_TLS=$STS_TLS_ENDPOINT RGW_CA=$TLS/ca.pem RGW_ACCESS_KEY=$ACCESS_KEY RGW_SECRET_KEY=$SECRET_KEY \
  RGW_REGION=$REGION RGW_ROLE_ARN=$ROLE_ARN "$NODE" --input-type=module -e '
import { readFileSync } from "node:fs";
import { Agent } from "node:https";
import { S3Client, HeadBucketCommand } from "@aws-sdk/client-s3";
import { fromTemporaryCredentials } from "@aws-sdk/credential-providers";
import { NodeHttpHandler } from "@smithy/node-http-handler";
const e = process.env;
const requestHandler = new NodeHttpHandler({ httpsAgent: new Agent({ ca: readFileSync(e.RGW_CA) }) });
const credentials = await fromTemporaryCredentials({
  masterCredentials: { accessKeyId: e.RGW_ACCESS_KEY, secretAccessKey: e.RGW_SECRET_KEY },
  params: { RoleArn: e.RGW_ROLE_ARN, RoleSessionName: "jetway-ceph-sh" },
  clientConfig: { region: e.RGW_REGION, endpoint: e.RGW_STS_TLS, requestHandler },
})();
if (!credentials.sessionToken) throw new Error("AssumeRole gave no session token");
const s3 = new S3Client({ endpoint: e.RGW_STS_TLS, region: e.RGW_REGION, forcePathStyle: true, credentials, requestHandler });
try {
  await s3.send(new HeadBucketCommand({ Bucket: "jetway-ceph-sh-via-role-none" }));
  throw new Error("a bucket that does not exist was found");
} catch (err) {
  if (err?.$metadata?.httpStatusCode !== 404) throw err;
}
s3.destroy();
') >"$D/log/sts-check.out" 2>&1 || fail "AssumeRole of $ROLE_ARN over $STS_TLS_ENDPOINT failed ($(tail -3 "$D/log/sts-check.out"))"
log "assumed $ROLE_ARN and used its session over $STS_TLS_ENDPOINT in $(( $(now_ms) - t6 )) ms"

env_json >"$D/env.json.tmp"
mv "$D/env.json.tmp" "$D/env.json"
log "RGW ready at $ENDPOINT and $TLS_ENDPOINT, with STS at $STS_ENDPOINT and $STS_TLS_ENDPOINT (total $(( $(now_ms) - t0 )) ms)"
