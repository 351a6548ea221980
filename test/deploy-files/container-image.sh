#!/usr/bin/env bash
# Builds deploy/docker/Dockerfile with buildah (Debian's package; daemonless, no registry) and runs the
# image: `kansa --version` and `kansa validate` as the image's user, then `kansa run --sandbox` with the
# image's own HEALTHCHECK command polled until healthy. (.ci/run runs this after the install routes.)
#
# No container registry is reachable here, so the base image the Dockerfile names (node:24-bookworm) is
# made locally: a minimal Debian bookworm from debootstrap, plus the Node.js 24 binary this checkout
# pins (node_modules/node, the npm package of the official build) and the host's npm. It is kept in
# buildah's storage as localhost/kansa-base:<node version> and reused while that version is pinned.
# RUN steps reach the npm registry through the host's network and trust the host's CA bundle and
# /etc/npmrc (bind-mounted for the build only; nothing of the host is copied into the image).
set -euo pipefail
cd "$(dirname "$0")/../.."

fail() { echo "container image: FAILED: $*" >&2; exit 1; }
for tool in buildah debootstrap; do command -v "$tool" >/dev/null || fail "$tool is not installed (apt-get install buildah debootstrap)"; done
export STORAGE_DRIVER=vfs   # no overlay mounts needed: works inside another container
b() { buildah --storage-driver vfs "$@"; }
started=$SECONDS
step() { echo "== container image: $1 ($((SECONDS - started)) s so far)"; }

node_bin="node_modules/node/bin/node"
[ -x "$node_bin" ] || fail "$node_bin is missing: run npm ci first"
node_version="$("$node_bin" --version)"
base="localhost/kansa-base:node-${node_version#v}"
work="$(mktemp -d /tmp/kansa-image.XXXXXX)"
containers=()
agent_pid=''
cleanup() {
  [ -z "$agent_pid" ] || { kill "$agent_pid" 2>/dev/null || true; wait "$agent_pid" 2>/dev/null || true; }
  for c in "${containers[@]}"; do b rm "$c" >/dev/null 2>&1 || true; done
  b rmi localhost/kansa:ci >/dev/null 2>&1 || true
  rm -rf "$work"
}
trap cleanup EXIT

if b inspect --type image "$base" >/dev/null 2>&1; then
  step "base image $base (kept from an earlier run)"
else
  step "base image $base: debootstrap bookworm + Node.js $node_version"
  debootstrap --variant=minbase bookworm "$work/rootfs" http://deb.debian.org/debian >"$work/debootstrap.log" 2>&1 \
    || { tail -20 "$work/debootstrap.log"; fail "debootstrap"; }
  install -m 0755 "$node_bin" "$work/rootfs/usr/local/bin/node"
  npm_dir="$(dirname "$(dirname "$(readlink -f "$(command -v npm)")")")"
  mkdir -p "$work/rootfs/usr/local/lib/node_modules"
  cp -a "$npm_dir" "$work/rootfs/usr/local/lib/node_modules/npm"
  ln -s ../lib/node_modules/npm/bin/npm-cli.js "$work/rootfs/usr/local/bin/npm"
  ln -s ../lib/node_modules/npm/bin/npx-cli.js "$work/rootfs/usr/local/bin/npx"
  chroot "$work/rootfs" /usr/local/bin/npm --version >/dev/null || fail "npm does not run in the base image"
  c="$(b from scratch)"; containers+=("$c")
  cp -a "$work/rootfs/." "$(b mount "$c")/"
  b umount "$c" >/dev/null
  b config --env PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin --cmd node "$c"
  b commit -q "$c" "$base" >/dev/null
  rm -rf "$work/rootfs"
fi

step "buildah bud -f deploy/docker/Dockerfile"
mounts=()
[ -f /etc/ssl/certs/ca-certificates.crt ] && mounts+=(-v /etc/ssl/certs/ca-certificates.crt:/etc/ssl/certs/ca-certificates.crt:ro)
[ -f /etc/npmrc ] && mounts+=(-v /etc/npmrc:/usr/local/etc/npmrc:ro)
b bud --format docker --isolation chroot --network host --layers=false "${mounts[@]}" \
  --build-arg NODE_IMAGE="$base" --build-arg NODE_RUNTIME_IMAGE="$base" \
  -f deploy/docker/Dockerfile -t localhost/kansa:ci . >"$work/build.log" 2>&1 \
  || { tail -30 "$work/build.log"; fail "buildah bud"; }

step "the image's configuration"
user="$(b inspect --type image --format '{{.Docker.Config.User}}' localhost/kansa:ci)"
[ "$user" = 10001:10001 ] || fail "image user is '$user', not 10001:10001"
health="$(b inspect --type image --format '{{if .Docker.Config.Healthcheck}}{{range .Docker.Config.Healthcheck.Test}}{{.}} {{end}}{{end}}' localhost/kansa:ci)"
[ "$health" = "CMD node /app/healthcheck.js " ] || fail "image HEALTHCHECK is '$health'"
read -r -a health_cmd <<<"${health#CMD }"
echo "   user $user, HEALTHCHECK ${health_cmd[*]}, $(b inspect --type image --format '{{.Docker.Config.Entrypoint}} {{.Docker.Config.Cmd}}' localhost/kansa:ci)"

step "kansa --version and validate, as the image's user"
c="$(b from localhost/kansa:ci)"; containers+=("$c")
run() { b run --isolation chroot --network host "$@"; }
[ "$(run "$c" -- id -u)" = 10001 ] || fail "the container does not run as uid 10001"
[ "$(run "$c" -- node /app/bin/kansa.js --version)" = "$(node -p 'require("./package.json").version')" ] || fail "kansa --version in the image"
run -v "$PWD/deploy:/etc/kansa:ro" "$c" -- node /app/bin/kansa.js validate --config /etc/kansa/kansa.example.yaml

step "kansa run --sandbox, polled with the HEALTHCHECK command"
port=$((20000 + RANDOM % 20000))
# exec: $! is buildah itself, whose end stops the container's process.
(exec buildah --storage-driver vfs run --isolation chroot --network host "$c" -- node /app/bin/kansa.js run --sandbox --listen "127.0.0.1:$port" >"$work/agent.log" 2>&1) &
agent_pid=$!
healthy=''
for _ in $(seq 1 60); do
  sleep 1
  kill -0 "$agent_pid" 2>/dev/null || { tail -20 "$work/agent.log"; fail "the agent exited"; }
  if run --env "KANSA_HEALTHCHECK_URL=http://127.0.0.1:$port/healthz" "$c" -- "${health_cmd[@]}" >/dev/null 2>&1; then healthy=yes; break; fi
done
[ -n "$healthy" ] || { tail -20 "$work/agent.log"; fail "not healthy within 60 s"; }
kill "$agent_pid"; wait "$agent_pid" 2>/dev/null || true; agent_pid=''
pgrep -f "kansa.js run --sandbox --listen 127.0.0.1:$port\$" >/dev/null && fail "the agent outlived its buildah run"
if run --env "KANSA_HEALTHCHECK_URL=http://127.0.0.1:$port/healthz" "$c" -- "${health_cmd[@]}" >/dev/null 2>&1; then fail "the health check passes with the agent stopped"; fi

step "done"
echo "container image: every check passed"
