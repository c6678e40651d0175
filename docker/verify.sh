#!/usr/bin/env bash
# docker/verify.sh: proves docker/Dockerfile, docker/ecs-task-definition.json and docker/firebreak.service
# without a container engine (none runs on the build machines; `docker` there is only a client).
#
#   bash docker/verify.sh           (as root; `make verify-docker`, and `make test` runs it)
#   bash docker/verify.sh --clean   drop the cached root filesystems and build first
#
# What it does, reading everything from those three files (docker/verify_helper.py parses them), so that
# they cannot drift apart from what is proven:
#  1. claims: non-root numeric USER, HEALTHCHECK on /healthz at the listen port, STOPSIGNAL, EXPOSE = the
#     FIREBREAK_LISTEN port, the store in a VOLUME, OCI labels, drain + 5 s <= the task's stopTimeout,
#     the task definition's Fargate fields, the unit's hardening directives and timeouts.
#  2. build: copies what the build stage COPYs, honouring .dockerignore, into .build-docker/context and
#     runs the build stage's RUN lines there, in order (same `swift build` command, same flags); its
#     apt-get list must be installed here (Debian bookworm + Swift 6.3 = the swift:6.3-bookworm image).
#  3. rootfs: debootstrap --variant=minbase bookworm (the package set of debian:bookworm-slim; cached in
#     .build-docker/), then the runtime stage's RUN lines in a chroot of it (cached per their text), then
#     its COPY lines: that is the image's file system.
#  4. libraries: every library `ldd` lists for the binary maps (dpkg -S) to a package in the runtime
#     apt list or in the base set, their own libraries to packages the image has; nothing in the list is
#     unneeded; `ldd` inside the image finds everything.
#  5. container: the image's ENTRYPOINT/CMD, ENV, WORKDIR and USER in the chroot, in a network namespace
#     of its own (so it listens on 0.0.0.0:EXPOSE exactly as in the image): /healthz answers 200 from
#     outside, the HEALTHCHECK command passes inside, a Firehose delivery is acknowledged, SIGHUP keeps
#     it up, the STOPSIGNAL stops it with exit 0 within the drain time.
#  6. ECS task: the same with the task definition's environment, secrets, user and read-only root file
#     system with its volume mounted; its healthCheck; exit 0 within stopTimeout.
#  7. VM: systemd-analyze verify of the unit; then its ExecStart, Environment(File), WorkingDirectory and
#     User with the file system read-only except the StateDirectory (ProtectSystem=strict), ExecReload,
#     KillSignal within TimeoutStopSec.
# Each check prints PASS or FAIL; the exit code is non-zero when any failed.
set -euo pipefail

REPO=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
CACHE=${FIREBREAK_VERIFY_CACHE:-$REPO/.build-docker}
MIRROR=${DEBIAN_MIRROR:-http://deb.debian.org/debian}
HELPER=(python3 "$REPO/docker/verify_helper.py")
DOCKERFILE=$REPO/docker/Dockerfile
TASKDEF=$REPO/docker/ecs-task-definition.json
UNIT=$REPO/docker/firebreak.service
FIXTURE=$REPO/Tests/Fixtures/firehose/delivery.json
DEFAULT_PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin
KEY=verify-$RANDOM$RANDOM$RANDOM
# The service must make no AWS call off this machine while it is tested: static credentials, no IMDS,
# every endpoint on a closed loopback port.
AWS_TEST_ENV=(AWS_REGION=us-east-1 AWS_ACCESS_KEY_ID=AKIAVERIFYVERIFY AWS_SECRET_ACCESS_KEY=verify
  AWS_EC2_METADATA_DISABLED=true AWS_ENDPOINT_URL=http://127.0.0.1:9)

started=$SECONDS
failures=0
passes=0
pass() { printf 'PASS %s\n' "$*"; passes=$((passes + 1)); }
fail() { printf 'FAIL %s\n' "$*"; failures=$((failures + 1)); }
section() { printf '\n== %s  [%ds]\n' "$*" $((SECONDS - started)); }
# Runs a helper check; its exit code is its number of failures.
helper_checks() {
  local n=0 out
  out=$("${HELPER[@]}" "$@") || n=$?
  [[ -z "$out" ]] || printf '%s\n' "$out"
  passes=$((passes + $(grep -c '^PASS' <<<"$out" || true)))
  failures=$((failures + n))
}
finish() {
  section "done"
  if ((failures)); then
    printf 'verify.sh: %d check(s) FAILED in %ds\n' "$failures" $((SECONDS - started))
  else
    printf 'verify.sh: all checks passed in %ds\n' $((SECONDS - started))
  fi
  printf 'docker-verify: %d passed, %d failed\n' "$passes" "$failures"
  ((failures == 0)) || exit 1
  exit 0
}
abort() { fail "$*"; finish; }

if [[ "${1:-}" == "--clean" ]]; then
  rm -rf "$CACHE"
fi

# ---- cleanup: only what this run started or mounted ------------------------------------------------
MOUNTS=()
PIDS=()
NETNS=""
cleanup() {
  local pid i
  for pid in "${PIDS[@]+"${PIDS[@]}"}"; do
    kill -KILL "$pid" 2>/dev/null || true
  done
  for ((i = ${#MOUNTS[@]} - 1; i >= 0; i--)); do
    umount "${MOUNTS[i]}" 2>/dev/null || umount -l "${MOUNTS[i]}" 2>/dev/null || true
  done
  if [[ -n "$NETNS" ]]; then ip netns del "$NETNS" 2>/dev/null || true; fi
}
trap cleanup EXIT
mount_tracked() { mount "$@"; MOUNTS+=("${*: -1}"); }
umount_tracked() {  # unmounts the most recent mounts down to (and including) $1
  local target=$1 i
  for ((i = ${#MOUNTS[@]} - 1; i >= 0; i--)); do
    umount "${MOUNTS[i]}" 2>/dev/null || umount -l "${MOUNTS[i]}"
    local done_with=${MOUNTS[i]}
    unset 'MOUNTS[i]'
    MOUNTS=("${MOUNTS[@]+"${MOUNTS[@]}"}")
    [[ "$done_with" == "$target" ]] && return 0
  done
}

mkdir -p "$CACHE/logs"
exec 9>"$CACHE/.lock"
flock -n 9 || { echo "verify.sh: another run holds $CACHE/.lock" >&2; exit 1; }
# What a killed earlier run may have left: mounts under the cache, network namespaces of dead runs.
awk -v c="$CACHE/" 'index($2, c) == 1 { print $2 }' /proc/mounts | sort -r | while read -r m; do umount -l "$m" || true; done
for ns in $(ip netns list 2>/dev/null | sed -n 's/^\(fbverify-[0-9]*\).*/\1/p'); do
  kill -0 "${ns#fbverify-}" 2>/dev/null || ip netns del "$ns" 2>/dev/null || true
done
WORK=$(mktemp -d "$CACHE/run.XXXXXX")
trap 'cleanup; rm -rf --one-file-system "$WORK"' EXIT
LOGS=$CACHE/logs
rm -f "$LOGS"/*.log

# ---- 0. this machine --------------------------------------------------------------------------------
section "preflight"
[[ $(id -u) -eq 0 ]] || abort "preflight: debootstrap, chroot and mounts need root (run as root or with sudo)"
missing=()
for tool in python3 swift debootstrap chroot ip curl readelf ldd dpkg strip flock; do
  command -v "$tool" >/dev/null 2>&1 || missing+=("$tool")
done
((${#missing[@]} == 0)) || abort "preflight: missing ${missing[*]} (scripts/install-deps.sh --test installs them)"

"${HELPER[@]}" plan "$DOCKERFILE" "$WORK/plan" || abort "dockerfile: verify.sh cannot replay it (see above)"
# shellcheck source=/dev/null
source "$WORK/plan/image.sh"
BUILD_FROM=$(sed -n 's/^BUILD_FROM=//p' "$WORK/plan/build.sh")
build_tag=${BUILD_FROM#*:}               # 6.3-bookworm
want_swift=${build_tag%%-*}              # 6.3
want_suite=${build_tag#*-}               # bookworm
runtime_suite=${RUNTIME_FROM#*:}; runtime_suite=${runtime_suite%%-*}
host_suite=$(. /etc/os-release && echo "${VERSION_CODENAME:-}")
host_swift=$(swift --version 2>/dev/null | sed -n 's/.*Swift version \([0-9][0-9.]*\).*/\1/p' | head -1)
if [[ "$host_suite" == "$want_suite" && "$host_swift" == "$want_swift"* ]]; then
  pass "preflight: this machine matches the build image $BUILD_FROM (Debian $host_suite, Swift $host_swift)"
else
  fail "preflight: the build image is $BUILD_FROM but this machine has Debian ${host_suite:-?} and Swift ${host_swift:-?}"
fi

# ---- 1. claims --------------------------------------------------------------------------------------
section "claims of the Dockerfile, the task definition and the unit"
helper_checks claims "$DOCKERFILE" "$TASKDEF" "$UNIT"
taskdef_vars=$("${HELPER[@]}" taskdef "$TASKDEF" 2>"$WORK/taskdef.out") || true
cat "$WORK/taskdef.out"
failures=$((failures + $(grep -c '^FAIL' "$WORK/taskdef.out" || true)))
passes=$((passes + $(grep -c '^PASS' "$WORK/taskdef.out" || true)))
[[ -n "$taskdef_vars" ]] || abort "task definition: unreadable"
eval "$taskdef_vars"
unit_vars=$("${HELPER[@]}" unit "$UNIT")
eval "$unit_vars"

# .dockerignore keeps these out of the context (only those that exist here are asked about).
ignored=()
for p in .git .build .build-docker Tests var Benchmarks/results.json Benchmarks/data Package.resolved; do
  [[ -e "$REPO/$p" ]] && ignored+=("$p")
done
ignored+=(.build-asan Tests/Fixtures/x.json var/firebreak.sqlite)
if "${HELPER[@]}" excluded "$REPO" "${ignored[@]}"; then
  pass ".dockerignore: keeps ${ignored[*]} out of the context"
else
  fail ".dockerignore: lets the paths above into the context"
fi

# ---- 2. the build stage -----------------------------------------------------------------------------
section "build stage ($BUILD_FROM), replayed in .build-docker/context"
CTX=$CACHE/context
mkdir -p "$CTX"
# A clean context each run; only SwiftPM's .build stays, so a second run builds incrementally.
find "$CTX" -mindepth 1 -maxdepth 1 ! -name .build -exec rm -rf {} +
build_packages() {
  local p missing=()
  for p in "$@"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
  done
  if ((${#missing[@]})); then
    abort "build: the build stage installs $*; missing here: ${missing[*]} (scripts/install-deps.sh)"
  fi
  pass "build: the build stage's packages are installed here: $*"
  # scripts/install-deps.sh installs the same list for `make build`.
  local deps
  deps=$(sed -n 's/^packages=(\(.*\))$/\1/p' "$REPO/scripts/install-deps.sh")
  local missing_in_dockerfile=()
  for p in $deps; do
    [[ "$p" == ca-certificates ]] && continue
    [[ " $* " == *" $p "* ]] || missing_in_dockerfile+=("$p")
  done
  if ((${#missing_in_dockerfile[@]})); then
    fail "build: scripts/install-deps.sh installs ${missing_in_dockerfile[*]}, the build stage does not"
  else
    pass "build: the build stage's list covers scripts/install-deps.sh's ($deps)"
  fi
}
build_copy() {
  local dest=$1; shift
  "${HELPER[@]}" copy "$REPO" "$CTX/$dest" "$@" || abort "build: COPY $* $dest"
}
build_run() {
  local t0=$SECONDS
  echo "+ RUN $1" >>"$LOGS/build.log"
  if (cd "$CTX" && sh -c "$1") >>"$LOGS/build.log" 2>&1; then
    pass "build: RUN ${1:0:80}$([[ ${#1} -gt 80 ]] && echo ...) ($((SECONDS - t0)) s)"
  else
    tail -40 "$LOGS/build.log"
    abort "build: RUN $1 (log: $LOGS/build.log)"
  fi
}
# shellcheck source=/dev/null
source "$WORK/plan/build.sh"
found_outside=$(cd "$CTX" && find . -path ./.build -prune -o -type f -print | grep -E '^\./(Tests|var|\.git)/|\.profraw$' | grep -v '^\./Tests/[^/]*$' || true)
if [[ -z "$found_outside" ]]; then
  pass "build: the context holds $(cd "$CTX" && find . -path ./.build -prune -o -path ./dist -prune -o -type f -print | wc -l) files, none from Tests/, var/ or .git/"
else
  fail "build: the context holds files .dockerignore should keep out: $found_outside"
fi

# ---- 3. the runtime stage's file system ------------------------------------------------------------
section "runtime stage ($RUNTIME_FROM) as a debootstrap minbase root"
BASE=$CACHE/rootfs-base
stamp="debootstrap --variant=minbase $runtime_suite $MIRROR"
if [[ -f "$BASE/.verify-complete" && "$(cat "$BASE/.verify-complete")" == "$stamp" ]]; then
  pass "rootfs: cached minbase root ($BASE)"
else
  rm -rf "$BASE" "$BASE.tmp"
  t0=$SECONDS
  if debootstrap --variant=minbase "$runtime_suite" "$BASE.tmp" "$MIRROR" >"$LOGS/debootstrap.log" 2>&1; then
    # The sources debian:bookworm-slim has: the release, its updates and security.
    rm -f "$BASE.tmp/etc/apt/sources.list"
    cat >"$BASE.tmp/etc/apt/sources.list.d/debian.sources" <<EOF
Types: deb
URIs: ${MIRROR}
Suites: ${runtime_suite} ${runtime_suite}-updates
Components: main
Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg

Types: deb
URIs: ${MIRROR%/debian}/debian-security
Suites: ${runtime_suite}-security
Components: main
Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg
EOF
    chroot "$BASE.tmp" dpkg-query -W -f='${Package}\n' | sort >"$BASE.tmp/.verify-base-packages"
    echo "$stamp" >"$BASE.tmp/.verify-complete"
    mv "$BASE.tmp" "$BASE"
    pass "rootfs: debootstrap --variant=minbase $runtime_suite ($((SECONDS - t0)) s)"
  else
    tail -20 "$LOGS/debootstrap.log"
    abort "rootfs: debootstrap failed (log: $LOGS/debootstrap.log)"
  fi
fi
cp "$BASE/.verify-base-packages" "$WORK/base-packages"
echo "${RUNTIME_PACKAGES[@]}" | tr ' ' '\n' >"$WORK/runtime-packages"

# The runtime stage's RUN lines, as one cached layer keyed by their text.
layer_key=$( (cat "$BASE/.verify-complete"; grep '^runtime_run ' "$WORK/plan/runtime.sh") | sha256sum | cut -c1-16)
LAYER=$CACHE/rootfs-runtime-$layer_key
runtime_run() { :; }
runtime_workdir() { :; }
runtime_copy_from_build() { :; }
runtime_copy_context() { :; }
if [[ -f "$LAYER/.verify-complete" ]]; then
  pass "rootfs: cached runtime layer ($LAYER)"
else
  rm -rf "$CACHE"/rootfs-runtime-* "$LAYER.tmp"
  cp -a "$BASE" "$LAYER.tmp"
  cp /etc/resolv.conf "$LAYER.tmp/etc/resolv.conf"
  mount_tracked -t proc proc "$LAYER.tmp/proc"
  runtime_run() {
    local t0=$SECONDS
    echo "+ RUN $1" >>"$LOGS/runtime-layer.log"
    if chroot "$LAYER.tmp" /usr/bin/env -i PATH="$DEFAULT_PATH" HOME=/root /bin/sh -c "$1" >>"$LOGS/runtime-layer.log" 2>&1; then
      pass "rootfs: RUN ${1:0:80}... ($((SECONDS - t0)) s)"
    else
      tail -30 "$LOGS/runtime-layer.log"
      abort "rootfs: RUN $1 (log: $LOGS/runtime-layer.log)"
    fi
  }
  # shellcheck source=/dev/null
  source "$WORK/plan/runtime.sh"
  umount_tracked "$LAYER.tmp/proc"
  chroot "$LAYER.tmp" dpkg-query -W -f='${Package}\n' | sort >"$LAYER.tmp/.verify-image-packages"
  date -u +%FT%TZ >"$LAYER.tmp/.verify-complete"
  mv "$LAYER.tmp" "$LAYER"
fi

# A VM for the unit: the same layer plus systemd (for systemd-analyze verify) and procps (/bin/kill,
# the unit's ExecReload), cached too.
VM_PACKAGES="systemd procps"
VMLAYER=$CACHE/rootfs-vm-$( (echo "$layer_key $VM_PACKAGES") | sha256sum | cut -c1-16)
if [[ -f "$VMLAYER/.verify-complete" ]]; then
  pass "rootfs: cached VM layer ($VMLAYER)"
else
  rm -rf "$CACHE"/rootfs-vm-* "$VMLAYER.tmp"
  cp -a "$LAYER" "$VMLAYER.tmp"
  mount_tracked -t proc proc "$VMLAYER.tmp/proc"
  t0=$SECONDS
  if chroot "$VMLAYER.tmp" /usr/bin/env -i PATH="$DEFAULT_PATH" HOME=/root DEBIAN_FRONTEND=noninteractive /bin/sh -c \
      "apt-get update && apt-get install -y --no-install-recommends $VM_PACKAGES && rm -rf /var/lib/apt/lists/*" >"$LOGS/vm-layer.log" 2>&1; then
    pass "rootfs: VM layer: apt-get install $VM_PACKAGES ($((SECONDS - t0)) s)"
  else
    tail -20 "$LOGS/vm-layer.log"
    abort "rootfs: VM layer (log: $LOGS/vm-layer.log)"
  fi
  umount_tracked "$VMLAYER.tmp/proc"
  date -u +%FT%TZ >"$VMLAYER.tmp/.verify-complete"
  mv "$VMLAYER.tmp" "$VMLAYER"
fi

# The image: the cached layer plus the COPY lines (a fresh copy each run).
IMAGE=$CACHE/image
rm -rf "$IMAGE"
cp -a "$LAYER" "$IMAGE"
runtime_run() { :; }
runtime_workdir() { mkdir -p "${INTO:-$IMAGE}$1"; }
runtime_copy_from_build() {
  local dest=$1 src; shift
  local IMAGE=${INTO:-$IMAGE}
  for src in "$@"; do
    [[ "$src" == "$BUILD_WORKDIR"/* ]] || abort "rootfs: COPY --from=build $src is outside the build WORKDIR"
    local from=$CTX/${src#"$BUILD_WORKDIR"/}
    [[ -e "$from" ]] || abort "rootfs: COPY --from=build $src: the build stage did not make it"
    if [[ "$dest" == */ ]]; then mkdir -p "$IMAGE$dest"; fi
    cp -a "$from" "$IMAGE$dest"
  done
}
runtime_copy_context() {
  local dest=$1; shift
  local IMAGE=${INTO:-$IMAGE}
  "${HELPER[@]}" copy "$REPO" "$IMAGE$dest" "$@" || abort "rootfs: COPY $* $dest"
}
# shellcheck source=/dev/null
source "$WORK/plan/runtime.sh"
binary=$IMAGE${IMAGE_COMMAND[0]}
if [[ -x "$binary" ]]; then
  pass "rootfs: the image holds ${IMAGE_COMMAND[0]} ($(du -m "$binary" | cut -f1) MB) and $(find "$IMAGE$IMAGE_WORKDIR" -type f | wc -l) files in $IMAGE_WORKDIR"
else
  abort "rootfs: ${IMAGE_COMMAND[0]} is not in the image"
fi

# ---- 4. shared libraries ----------------------------------------------------------------------------
section "shared libraries"
if ldd "$binary" | grep -q 'libswiftCore'; then
  fail "libraries: the binary links libswiftCore.so: --static-swift-stdlib did not take"
else
  pass "libraries: the Swift runtime and Foundation are linked in (no libswift*.so)"
fi
export IMAGE_PACKAGES=$IMAGE/.verify-image-packages
helper_checks libs "$binary" "$WORK/runtime-packages" "$WORK/base-packages" "${IMAGE_HEALTHCHECK[0]:-}"
for exe in "$IMAGE"/usr/local/bin/*; do
  exe=${exe#"$IMAGE"}
  if out=$(chroot "$IMAGE" /usr/bin/ldd "$exe" 2>&1) && ! grep -q 'not found' <<<"$out"; then
    pass "libraries: ldd inside the image resolves all $(grep -c '=>' <<<"$out") libraries of $exe"
  else
    fail "libraries: inside the image, $exe: $(grep 'not found' <<<"$out" | tr -s ' \t' ' ' | tr '\n' ';')"
  fi
done

# ---- running the service ----------------------------------------------------------------------------
NETNS=fbverify-$$
if ip netns add "$NETNS" 2>/dev/null && ip netns exec "$NETNS" ip link set lo up; then
  IN_NS=(ip netns exec "$NETNS")
  NS_NOTE="its own network namespace"
else
  NETNS=""
  IN_NS=()
  NS_NOTE="the host network (no network namespace here)"
fi
# In a namespace the ports are the image's own; without one a free port stands in (PORT_MAP old->new).
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'; }
map_port() {  # map_port PORT -> the port to use here
  if ((${#IN_NS[@]})); then echo "$1"; else echo "${PORT_MAP:-$1}"; fi
}
remap() {  # rewrites ":OLD" to ":NEW" in each argument when there is no namespace
  local a
  for a in "$@"; do
    if ((${#IN_NS[@]})) || [[ -z "${PORT_MAP:-}" ]]; then printf '%s\0' "$a"; else printf '%s\0' "${a//:$PORT_FROM/:$PORT_MAP}"; fi
  done
}

SERVICE_PID=""
# start_service LOG ROOT UID:GID WORKDIR ENV... -- ARGV...
start_service() {
  local log=$1 root=$2 user=$3 dir=$4; shift 4
  local env=()
  while [[ "$1" != "--" ]]; do env+=("$1"); shift; done
  shift
  "${IN_NS[@]}" chroot --userspec="$user" "$root" /usr/bin/env -i -C "$dir" "${env[@]}" "$@" >"$log" 2>&1 &
  SERVICE_PID=$!
  PIDS+=("$SERVICE_PID")
}
# Ends the service this run started (by its pid), waits for it and forgets the pid.
forget_service() {
  local pid=$1 kept=() p
  for p in "${PIDS[@]+"${PIDS[@]}"}"; do [[ "$p" == "$pid" ]] || kept+=("$p"); done
  PIDS=("${kept[@]+"${kept[@]}"}")
}
kill_service() {
  kill -KILL "$SERVICE_PID" 2>/dev/null || true
  wait "$SERVICE_PID" 2>/dev/null || true
  forget_service "$SERVICE_PID"
}
http_code() { "${IN_NS[@]}" curl -s -o /dev/null -w '%{http_code}' --max-time 5 "$@" || true; }
wait_healthy() {  # wait_healthy PORT LOG NAME
  local port=$1 log=$2 name=$3 i code=""
  for ((i = 0; i < 150; i++)); do
    if ! kill -0 "$SERVICE_PID" 2>/dev/null || [[ "$(ps -o stat= -p "$SERVICE_PID" 2>/dev/null)" == Z* ]]; then
      kill_service
      tail -20 "$log"
      fail "$name: the service exited during startup (log: $log)"
      return 1
    fi
    code=$(http_code "http://127.0.0.1:$port/healthz")
    [[ "$code" == 200 ]] && break
    sleep 0.2
  done
  if [[ "$code" == 200 ]]; then
    pass "$name: GET /healthz from outside answers 200 on port $port (after $((i * 2 / 10)) s)"
  else
    kill_service
    tail -20 "$log"
    fail "$name: GET /healthz answered '${code}' (log: $log)"
    return 1
  fi
}
post_delivery() {  # post_delivery PORT NAME
  [[ -f "$FIXTURE" ]] || { pass "$2: (no fixture delivery to post)"; return 0; }
  local id body
  id=$(python3 -c 'import json, sys; print(json.load(open(sys.argv[1]))["requestId"])' "$FIXTURE")
  body=$("${IN_NS[@]}" curl -sS --max-time 10 -w '\n%{http_code}' "http://127.0.0.1:$1/firehose" \
    -H 'Content-Type: application/json' -H 'X-Amz-Firehose-Protocol-Version: 1.0' \
    -H "X-Amz-Firehose-Request-Id: $id" \
    -H 'X-Amz-Firehose-Source-Arn: arn:aws:firehose:us-east-1:123456789012:deliverystream/firebreak' \
    -H "X-Amz-Firehose-Access-Key: $KEY" --data-binary @"$FIXTURE" || true)
  if [[ "$(tail -1 <<<"$body")" == 200 && "$body" == *"\"requestId\":\"$id\""* ]]; then
    pass "$2: a Firehose delivery (the test fixture) is acknowledged 200 with its requestId"
  else
    fail "$2: POST /firehose answered: $(tr '\n' ' ' <<<"$body")"
  fi
}
stop_service() {  # stop_service SIGNAL DEADLINE_SECONDS NAME
  local signal=$1 deadline=$2 name=$3 t0 rc=0
  t0=$(date +%s.%N)
  kill -s "${signal#SIG}" "$SERVICE_PID" 2>/dev/null || true
  local end=$((SECONDS + deadline + 1))
  while kill -0 "$SERVICE_PID" 2>/dev/null && ((SECONDS < end)); do
    # A zombie (exited, not yet waited for) counts as stopped.
    [[ "$(ps -o stat= -p "$SERVICE_PID" 2>/dev/null)" == Z* ]] && break
    sleep 0.1
  done
  if kill -0 "$SERVICE_PID" 2>/dev/null && [[ "$(ps -o stat= -p "$SERVICE_PID" 2>/dev/null)" != Z* ]]; then
    kill_service
    fail "$name: still running ${deadline} s after $signal (killed)"
    return 0
  fi
  wait "$SERVICE_PID" || rc=$?
  forget_service "$SERVICE_PID"
  local took
  took=$(python3 -c "import time; print(f'{time.time() - $t0:.1f}')")
  if ((rc == 0)); then
    pass "$name: $signal stops it with exit 0 in $took s (limit ${deadline} s)"
  else
    fail "$name: exit code $rc after $signal"
  fi
}
alive_after_hup() {  # alive_after_hup PORT LOG NAME COMMAND...
  local port=$1 log=$2 name=$3 i before; shift 3
  before=$(grep -c '"rules reloaded"' "$log" || true)
  "$@" || true
  for ((i = 0; i < 50; i++)); do
    (($(grep -c '"rules reloaded"' "$log" || true) > before)) && break
    sleep 0.1
  done
  if (($(grep -c '"rules reloaded"' "$log" || true) > before)) && kill -0 "$SERVICE_PID" 2>/dev/null \
     && [[ "$(http_code "http://127.0.0.1:$port/healthz")" == 200 ]]; then
    pass "$name: SIGHUP ($*) reloads the rules (logged); the service stays up and healthy"
  else
    fail "$name: after SIGHUP ($*) no reload was logged, or the service is gone or unhealthy"
  fi
}

# ---- 5. the container, as `docker run -e FIREBREAK_ACCESS_KEY=... IMAGE` ------------------------------
section "container: the image's ENTRYPOINT/CMD, ENV, USER in the chroot, in $NS_NOTE"
PORT_FROM=${IMAGE_EXPOSE[0]%/*}
PORT_MAP=""
((${#IN_NS[@]})) || PORT_MAP=$(free_port)
port=$(map_port "$PORT_FROM")
container_env=(PATH="$DEFAULT_PATH" HOSTNAME=firebreak-verify HOME="$IMAGE_WORKDIR" "${IMAGE_ENV[@]}" FIREBREAK_ACCESS_KEY="$KEY" "${AWS_TEST_ENV[@]}")
((${#IN_NS[@]})) || container_env+=(FIREBREAK_LISTEN="127.0.0.1:$port")
mount_tracked -t proc proc "$IMAGE/proc"
user_name=$(chroot "$IMAGE" getent passwd "${IMAGE_USER%%:*}" | cut -d: -f1 || true)
pass "container: USER $IMAGE_USER is '${user_name:-(no passwd entry)}' in the image"
owner=$(stat -c '%u:%g' "$IMAGE${IMAGE_VOLUMES[0]}")
if [[ "$owner" == "$IMAGE_USER" ]]; then
  pass "container: VOLUME ${IMAGE_VOLUMES[0]} is owned by $owner"
else
  fail "container: VOLUME ${IMAGE_VOLUMES[0]} is owned by $owner, not USER $IMAGE_USER"
fi
effective=$("${IN_NS[@]}" chroot --userspec="$IMAGE_USER" "$IMAGE" /usr/bin/env -i -C "$IMAGE_WORKDIR" "${container_env[@]}" "${IMAGE_COMMAND[@]}" --print-config 2>&1 || true)
want_listen=$IMAGE_LISTEN
((${#IN_NS[@]})) || want_listen=127.0.0.1:$port
if grep -qx "server.listen: $want_listen" <<<"$effective" && grep -qx "server.drain_seconds: $IMAGE_DRAIN_SECONDS" <<<"$effective" \
   && grep -q "^firehose.access_keys: 1 configured" <<<"$effective" && grep -q "^store.path: ${IMAGE_VOLUMES[0]}/" <<<"$effective"; then
  pass "container: effective configuration: listen $want_listen, drain ${IMAGE_DRAIN_SECONDS} s, 1 access key, store in the volume"
else
  fail "container: effective configuration (--print-config): $(grep -E '^(server.listen|server.drain_seconds|firehose.access_keys|store.path)' <<<"$effective" | tr '\n' ';') $(grep -i error <<<"$effective" || true)"
fi
start_service "$LOGS/container.log" "$IMAGE" "$IMAGE_USER" "$IMAGE_WORKDIR" "${container_env[@]}" -- "${IMAGE_COMMAND[@]}"
if wait_healthy "$port" "$LOGS/container.log" container; then
  mapfile -d '' hc < <(remap "${IMAGE_HEALTHCHECK[@]}")
  if "${IN_NS[@]}" chroot --userspec="$IMAGE_USER" "$IMAGE" /usr/bin/env -i PATH="$DEFAULT_PATH" "${hc[@]}" >/dev/null 2>&1; then
    pass "container: HEALTHCHECK CMD ${IMAGE_HEALTHCHECK[*]} exits 0 inside the image"
  else
    fail "container: HEALTHCHECK CMD ${IMAGE_HEALTHCHECK[*]} fails inside the image"
  fi
  post_delivery "$port" container
  store=$(grep -o "^store.path: .*" <<<"$effective" | cut -d' ' -f2)
  if [[ -n "$store" && "$(stat -c '%u:%g' "$IMAGE$store" 2>/dev/null)" == "$IMAGE_USER" ]]; then
    pass "container: the store $store was written by $IMAGE_USER"
  else
    fail "container: no store at '$store' owned by $IMAGE_USER"
  fi
  alive_after_hup "$port" "$LOGS/container.log" container kill -HUP "$SERVICE_PID"
  stop_service "${IMAGE_STOPSIGNAL:-SIGTERM}" $((IMAGE_DRAIN_SECONDS + 5)) container
fi
umount_tracked "$IMAGE/proc"

# ---- 6. the ECS task: read-only root, the volume, the task's environment and secrets -----------------
section "ECS task: the task definition's user, environment, secrets, read-only root and volume"
ROOT=$WORK/ecs-root
mkdir -p "$ROOT"
mount_tracked --bind "$IMAGE" "$ROOT"
if [[ "$TD_READONLY_ROOT" == yes ]]; then
  mount -o remount,bind,ro "$ROOT"
fi
for m in "${TD_MOUNTS[@]}"; do
  # Fargate copies what the image has at a VOLUME path that equals the containerPath, owner and mode too.
  vol=$WORK/ecs-volume$(echo "$m" | tr '/' '_')
  mkdir -p "$vol"
  if [[ -d "$IMAGE$m" ]]; then
    cp -a "$IMAGE$m/." "$vol/"
    chown --reference="$IMAGE$m" "$vol"; chmod --reference="$IMAGE$m" "$vol"
  fi
  mount_tracked --bind "$vol" "$ROOT$m"
done
mount_tracked -t proc proc "$ROOT/proc"
ecs_user=${TD_USER:-$IMAGE_USER}
if "${IN_NS[@]}" chroot --userspec="$ecs_user" "$ROOT" /usr/bin/env -i PATH="$DEFAULT_PATH" touch "$IMAGE_WORKDIR/.probe" 2>/dev/null; then
  [[ "$TD_READONLY_ROOT" == yes ]] && fail "ECS task: the root file system is writable"
else
  pass "ECS task: the root file system is read-only for the service"
fi
ecs_env=(PATH="$DEFAULT_PATH" HOSTNAME=ip-10-0-0-10 HOME="$IMAGE_WORKDIR" "${IMAGE_ENV[@]}" "${TD_ENV[@]}" "${AWS_TEST_ENV[@]}")
for s in "${TD_SECRETS[@]}"; do ecs_env+=("$s=$KEY"); done
PORT_FROM=${TD_PORTS[0]}
PORT_MAP=""
((${#IN_NS[@]})) || { PORT_MAP=$(free_port); ecs_env+=(FIREBREAK_LISTEN="127.0.0.1:$PORT_MAP"); }
port=$(map_port "$PORT_FROM")
ecs_command=("${TD_COMMAND[@]+"${TD_COMMAND[@]}"}")
((${#ecs_command[@]})) || ecs_command=("${IMAGE_COMMAND[@]}")
start_service "$LOGS/ecs-task.log" "$ROOT" "$ecs_user" "$IMAGE_WORKDIR" "${ecs_env[@]}" -- "${ecs_command[@]}"
if wait_healthy "$port" "$LOGS/ecs-task.log" "ECS task"; then
  mapfile -d '' hc < <(remap "${TD_HEALTHCHECK[@]}")
  if "${IN_NS[@]}" chroot --userspec="$ecs_user" "$ROOT" /usr/bin/env -i PATH="$DEFAULT_PATH" "${hc[@]}" >/dev/null 2>&1; then
    pass "ECS task: healthCheck ${TD_HEALTHCHECK[*]} exits 0 inside the task"
  else
    fail "ECS task: healthCheck ${TD_HEALTHCHECK[*]} fails inside the task"
  fi
  post_delivery "$port" "ECS task"
  stop_service SIGTERM "$TD_STOP_TIMEOUT" "ECS task"
fi
umount_tracked "$ROOT"

# ---- 7. the VM: the systemd unit -------------------------------------------------------------------
section "VM: docker/firebreak.service"
# The VM layout of the unit's header: the binary and /opt/firebreak/config where the image has them
# (the runtime stage's COPY lines), /etc/firebreak/firebreak.yaml a copy of config/firebreak.yaml, the
# key in the EnvironmentFile, the unit in /etc/systemd/system.
VM=$CACHE/vm
rm -rf "$VM"
cp -a "$VMLAYER" "$VM"
INTO=$VM
# shellcheck source=/dev/null
source "$WORK/plan/runtime.sh"
unset INTO
mkdir -p "$VM/etc/firebreak"
cp "$REPO/config/firebreak.yaml" "$VM/etc/firebreak/firebreak.yaml"
printf 'FIREBREAK_ACCESS_KEY=%s\nFIREBREAK_LISTEN=0.0.0.0:%s\n' "$KEY" "${TD_PORTS[0]}" >"$VM$UNIT_ENV_FILE"
chmod 0600 "$VM$UNIT_ENV_FILE"
cp "$UNIT" "$VM/etc/systemd/system/firebreak.service"
if command -v systemd-analyze >/dev/null 2>&1; then
  if out=$(systemd-analyze verify --root="$VM" /etc/systemd/system/firebreak.service 2>&1) && [[ -z "$out" ]]; then
    pass "VM: systemd-analyze verify --root (a bookworm root with systemd, the binary, the user) accepts the unit"
  else
    fail "VM: systemd-analyze verify: $(tr '\n' ' ' <<<"$out")"
  fi
  exposure=$(systemd-analyze security --offline=yes "$UNIT" 2>/dev/null | sed -n 's/.*Overall exposure level for [^:]*: \([0-9.]*\) \([A-Z]*\).*/\1 \2/p')
  if [[ -n "$exposure" ]] && awk -v e="${exposure%% *}" 'BEGIN { exit !(e < 4.0) }'; then
    pass "VM: systemd-analyze security --offline: exposure $exposure (limit 4.0)"
  else
    fail "VM: systemd-analyze security --offline: exposure ${exposure:-unknown} (limit 4.0)"
  fi
else
  pass "VM: (systemd-analyze not installed: the directive checks above stand in)"
fi
unit_ids=$(chroot "$VM" getent passwd "$UNIT_USER" | cut -d: -f3,4 || true)
[[ -n "$unit_ids" ]] || abort "VM: no user $UNIT_USER in the root"
state=$WORK/vm-state
private_tmp=$WORK/vm-tmp
mkdir -p "$state" "$private_tmp" "$VM$UNIT_STATE_DIR"
chown "$unit_ids" "$state"; chmod 0750 "$state"; chmod 1777 "$private_tmp"
ROOT=$WORK/vm-root
mkdir -p "$ROOT"
mount_tracked --bind "$VM" "$ROOT"
mount -o remount,bind,ro "$ROOT"    # ProtectSystem=strict
mount_tracked --bind "$state" "$ROOT$UNIT_STATE_DIR"    # StateDirectory= / ReadWritePaths=
mount_tracked --bind "$private_tmp" "$ROOT/tmp"         # PrivateTmp=
mount_tracked -t proc proc "$ROOT/proc"
eval "$("${HELPER[@]}" envfile "$VM$UNIT_ENV_FILE")"
# EnvironmentFile= overrides Environment= (systemd.exec); with env(1) the later assignment wins.
vm_env=(PATH="$DEFAULT_PATH" HOME="$UNIT_STATE_DIR" LANG=C.UTF-8 "${UNIT_ENV[@]}" "${ENVFILE[@]}" "${AWS_TEST_ENV[@]}")
PORT_FROM=${TD_PORTS[0]}
PORT_MAP=""
((${#IN_NS[@]})) || { PORT_MAP=$(free_port); vm_env+=(FIREBREAK_LISTEN="127.0.0.1:$PORT_MAP"); }
port=$(map_port "$PORT_FROM")
start_service "$LOGS/vm.log" "$ROOT" "$unit_ids" "$UNIT_WORKDIR" "${vm_env[@]}" -- "${UNIT_EXEC_START[@]}"
if wait_healthy "$port" "$LOGS/vm.log" VM; then
  post_delivery "$port" VM
  if [[ -f "$state/$(basename "$(grep -o 'FIREBREAK_STORE=[^ ]*' <<<"${UNIT_ENV[*]}" | cut -d= -f2)")" ]]; then
    pass "VM: the store is in the StateDirectory ($UNIT_STATE_DIR)"
  else
    fail "VM: no store in $UNIT_STATE_DIR"
  fi
  # ExecReload inside the VM's root (its /bin/kill); the pid is the same there (no pid namespace).
  reload=("${UNIT_EXEC_RELOAD[@]//\$MAINPID/$SERVICE_PID}")
  alive_after_hup "$port" "$LOGS/vm.log" VM chroot "$ROOT" "${reload[@]}"
  stop_service "$UNIT_KILL_SIGNAL" "$UNIT_TIMEOUT_STOP" VM
fi
umount_tracked "$ROOT"

finish
