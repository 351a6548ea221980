#!/usr/bin/env bash
# Installs kansa from its release package (`npm pack` → kansa-<version>.tgz) as the systemd service
# deploy/systemd/kansa.service, then checks it as the service will run it. As root:
#
#   deploy/systemd/install.sh ./kansa-0.1.0.tgz          # then edit /etc/kansa/kansa.yaml and start it
#
# What it does, in order (each step is safe to repeat; an existing configuration is never overwritten):
#   1. npm install -g --prefix /opt/kansa --omit=dev the package (no compiler needed: dist/ is in it)
#   2. /etc/systemd/system/kansa.service, with ExecStart's node set to the Node.js given (--node)
#   3. /etc/kansa (0755) with kansa.yaml (0644; from deploy/kansa.example.yaml when absent) and every
#      file it references (attestations, exceptions, controls, catalog, web configuration) — readable by
#      the unit's DynamicUser, which is in no group of root's. Secrets do not go here: they reach the
#      service through LoadCredential= / EnvironmentFile=, which systemd reads as root.
#   4. `kansa validate` and `kansa scan --sandbox` as an unprivileged uid (65534) with the unit's
#      Environment= and UMask=, so a file the service cannot read fails here and not at start-up
#      (where exit 2 and RestartPreventExitStatus=2 would keep the service down).
#   5. systemctl daemon-reload (no enable/start: the example configuration names example accounts).
#
# Options:
#   --root DIR   install under DIR instead of / and skip systemctl (CI runs it so, in a temporary root)
#   --node PATH  Node.js ≥ 22.12 as the service sees it (default: `node` on PATH); under --root it is
#                run as DIR/PATH
set -euo pipefail

root=''
node_path=''
tarball=''
while [ $# -gt 0 ]; do
  case "$1" in
    --root) root="${2:?--root needs a directory}"; shift 2 ;;
    --node) node_path="${2:?--node needs a path}"; shift 2 ;;
    -h|--help) sed -n '2,/^set -euo/p' "$0" | sed '$d; s/^# \{0,1\}//'; exit 0 ;;
    -*) echo "install.sh: unknown option $1 (see --help)" >&2; exit 2 ;;
    *) tarball="$1"; shift ;;
  esac
done
[ -n "$tarball" ] && [ -f "$tarball" ] || { echo "install.sh: expected the release package kansa-<version>.tgz (npm pack), got '${tarball}'" >&2; exit 2; }
[ "$(id -u)" = 0 ] || { echo "install.sh: run as root (it writes /opt/kansa, /etc/kansa and the unit)" >&2; exit 2; }
root="${root%/}"
[ -z "$root" ] || [ -d "$root" ] || { echo "install.sh: --root $root is not a directory" >&2; exit 2; }
node_path="${node_path:-$(command -v node || true)}"
case "$node_path" in /*) ;; *) echo "install.sh: Node.js ≥ 22.12 not found: install it or pass --node /absolute/path/to/node" >&2; exit 2 ;; esac
node="$root$node_path"
if ! "$node" -e 'const [a,b]=process.versions.node.split(".").map(Number); process.exit(a>22||(a===22&&b>=12)?0:1)'; then
  echo "install.sh: $node is Node.js $("$node" --version 2>/dev/null || echo '?'); kansa needs ≥ 22.12 (pass another with --node)" >&2
  exit 2
fi
# Whatever root's umask is, what we install must be readable by the service's dynamic user.
umask 0022
tarball="$(cd "$(dirname "$tarball")" && pwd)/$(basename "$tarball")"

# 1. The package, with its production dependencies only. npm runs on the chosen Node.js.
prefix="$root/opt/kansa"
echo "== 1. kansa → $prefix"
PATH="$(dirname "$node"):$PATH" npm install --global --prefix "$prefix" --omit=dev --no-audit --no-fund --loglevel=error "$tarball"
pkg="$prefix/lib/node_modules/kansa"
kansa=("$node" "$pkg/bin/kansa.js")
echo "   kansa $("${kansa[@]}" --version)"

# 2. The unit, pointing at this Node.js.
unit="$root/etc/systemd/system/kansa.service"
echo "== 2. unit → $unit"
install -d -m 0755 "$(dirname "$unit")"
sed "s#^ExecStart=/usr/bin/node #ExecStart=$node_path #" "$pkg/deploy/systemd/kansa.service" >"$unit.tmp"
chmod 0644 "$unit.tmp" && mv "$unit.tmp" "$unit"

# 3. The configuration and every file it references, relative to it.
etc="$root/etc/kansa"
echo "== 3. configuration → $etc"
install -d -m 0755 "$etc"
chmod 0755 "$etc"   # an /etc/kansa made 0750 by older install steps hides the files from the service
[ -f "$etc/kansa.yaml" ] || install -m 0644 "$pkg/deploy/kansa.example.yaml" "$etc/kansa.yaml"
# The relative paths kansa.yaml names (the same fields src/config/load.ts resolves against the file).
mapfile -t refs < <("$node" --input-type=module -e '
  import { createRequire } from "node:module";
  import { readFileSync } from "node:fs";
  const { parse } = createRequire(process.argv[1] + "/package.json")("yaml");
  const c = parse(readFileSync(process.argv[2], "utf8")) ?? {};
  const refs = [c.catalog, c.attestations, c.exceptions, c.web?.configFile, ...(c.controls ?? [])];
  for (const r of refs) if (typeof r === "string" && !r.startsWith("/")) console.log(r);
' "$pkg" "$etc/kansa.yaml")
for ref in "${refs[@]}"; do
  target="$etc/$ref"
  [ -e "$target" ] && continue
  source="$pkg/deploy/$ref"
  [ -e "$source" ] || { echo "install.sh: $etc/kansa.yaml references $ref, which is neither in $etc nor in the package's deploy/" >&2; exit 2; }
  install -d -m 0755 "$(dirname "$target")"
  cp -R "$source" "$target"
  chmod -R u=rwX,go=rX "$target"
  echo "   $ref (from the package's deploy/: an example to replace with your own)"
done

# 4. As the service runs it: an unprivileged uid in no group, the unit's environment, its umask.
echo "== 4. kansa validate and kansa scan --sandbox as uid 65534 with the unit's environment"
mapfile -t unit_env < <(sed -n 's/^Environment=//p' "$unit" | tr ' ' '\n' | grep .)
umask_unit="$(sed -n 's/^UMask=//p' "$unit" | tail -1)"
work="$(mktemp -d)"   # stands in for the state directory (WorkingDirectory=), owned by the service
chmod 0700 "$work" && chown 65534:65534 "$work"
as_service() {
  (cd "$work" && umask "${umask_unit:-0022}" && setpriv --reuid=65534 --regid=65534 --clear-groups -- \
    env -i PATH=/usr/bin:/bin HOME="$work" "${unit_env[@]}" "$@")
}
as_service "${kansa[@]}" validate --config "$etc/kansa.yaml"
as_service "${kansa[@]}" scan --sandbox --sandbox-resources 200 --config "$etc/kansa.yaml" --output json >"$work/scan.json"
as_service "$node" -e 'const r=JSON.parse(require("fs").readFileSync(process.argv[1],"utf8")); if(!r.summary) process.exit(1); console.log("   scan:", JSON.stringify(r.summary))' "$work/scan.json"
rm -rf "$work"

# 5. systemd.
if [ -n "$root" ]; then
  echo "== 5. (--root: no systemctl)"
else
  echo "== 5. systemctl daemon-reload"
  systemctl daemon-reload
  echo "Installed. Edit /etc/kansa/kansa.yaml (accounts, regions; replace the example attestations and"
  echo "exceptions), then: kansa validate --config /etc/kansa/kansa.yaml && systemctl enable --now kansa"
fi
