#!/usr/bin/env bash
# The install routes as a new user takes them (.ci/run runs this after `npm test`), on the lowest
# supported Node.js (22, from the npm registry) and nothing of the checkout but the release package:
#   1. `npm pack` → kansa-<version>.tgz (prepack builds dist/ from a clean slate)
#   2. `npm install -g --omit=dev` of it into an empty prefix: no compiler, no dev dependency installed;
#      `kansa --version`, `kansa validate` of the shipped example configuration, `kansa scan --sandbox`
#   3. `npx ./kansa-<version>.tgz --help`, and the unpacked package + `npm ci --omit=dev` (its lock file
#      ships as npm-shrinkwrap.json; `prepare` does nothing outside a checkout)
#   4. deploy/systemd/install.sh, taken from the package, into a temporary root: package, unit,
#      /etc/kansa and the files kansa.yaml references, then validate + scan as uid 65534 with the
#      unit's environment; the modes it leaves; that a 0750 /etc/kansa would have been caught;
#      `systemd-analyze verify` and `security` on the unit as installed.
# Needs network access to the npm registry only (dependencies); everything runs as root in temp dirs.
set -euo pipefail
cd "$(dirname "$0")/../.."

step_started=$SECONDS
step() { echo "== install routes: $1 ($((SECONDS - step_started)) s so far)"; }
fail() { echo "install routes: FAILED: $*" >&2; exit 1; }

work="$(mktemp -d /tmp/kansa-routes.XXXXXX)"
chmod 0755 "$work"   # the temporary root lies below it: uid 65534 must traverse it
trap 'rm -rf "$work"' EXIT
version="$(node -p 'require("./package.json").version')"

step "npm pack"
npm pack --silent --pack-destination "$work" >/dev/null
tgz="$work/kansa-$version.tgz"
[ -f "$tgz" ] || fail "npm pack wrote no $tgz"
[ ! -e npm-shrinkwrap.json ] || fail "postpack left npm-shrinkwrap.json in the checkout"
tar -tzf "$tgz" >"$work/files.txt"
echo "   $(basename "$tgz"): $(stat -c %s "$tgz") bytes, $(wc -l <"$work/files.txt") files"
for f in package/bin/kansa.js package/dist/src/cli/main.js package/npm-shrinkwrap.json \
         package/mappings/catalogs/jp-cloud-procurement.yaml package/deploy/kansa.example.yaml \
         package/deploy/systemd/kansa.service package/deploy/systemd/install.sh; do
  grep -qx "$f" "$work/files.txt" || fail "$f is not in the package"
done

step "Node.js 22 from the npm registry"
node22="$(npm exec --yes --package=node@22 -- node -p process.execPath)"
"$node22" --version
n22() { PATH="$(dirname "$node22"):/usr/bin:/bin" "$@"; }

step "npm install -g --omit=dev into an empty prefix"
prefix="$work/prefix"
n22 npm install --global --prefix "$prefix" --omit=dev --no-audit --no-fund --loglevel=error "$tgz"
pkg="$prefix/lib/node_modules/kansa"
for dev in typescript jest eslint dependency-cruiser node; do   # (@types/node is a dependency of protobufjs)
  [ ! -e "$pkg/node_modules/$dev" ] || fail "dev dependency $dev was installed with --omit=dev"
done
[ "$(n22 "$prefix/bin/kansa" --version)" = "$version" ] || fail "kansa --version is not $version"
n22 "$prefix/bin/kansa" validate --config "$pkg/deploy/kansa.example.yaml"
n22 "$prefix/bin/kansa" scan --sandbox --sandbox-resources 200 --output json >"$work/scan.json"
n22 node -e 'const r=JSON.parse(require("fs").readFileSync(process.argv[1],"utf8")); if (!(r.summary.noncompliant > 0)) process.exit(1); console.log("   scan --sandbox:", JSON.stringify(r.summary))' "$work/scan.json"

step "npx ./kansa-$version.tgz --help"
(cd "$work" && n22 npx --yes "./kansa-$version.tgz" --help | grep -q '^Usage: kansa') || fail "npx of the package does not print the usage"

step "unpacked package + npm ci --omit=dev"
mkdir "$work/unpacked" && tar -xzf "$tgz" -C "$work/unpacked" --strip-components=1
(cd "$work/unpacked" && n22 npm ci --omit=dev --no-audit --no-fund --loglevel=error && [ "$(n22 node bin/kansa.js --version)" = "$version" ]) \
  || fail "npm ci --omit=dev in the unpacked package"

step "deploy/systemd/install.sh into a temporary root"
root="$work/root"
install -d -m 0755 "$root/usr/local/bin"
install -m 0755 "$node22" "$root/usr/local/bin/node"   # "Node.js on the host", executable by the service user
tar -xzf "$tgz" -C "$work" package/deploy/systemd/install.sh
n22 bash "$work/package/deploy/systemd/install.sh" --root "$root" --node /usr/local/bin/node "$tgz"
mode() { stat -c %a "$1"; }
[ "$(mode "$root/etc/kansa")" = 755 ] || fail "/etc/kansa is $(mode "$root/etc/kansa"), not 755"
for f in kansa.yaml attestations.example.yaml exceptions.example.yaml; do
  [ "$(mode "$root/etc/kansa/$f")" = 644 ] || fail "/etc/kansa/$f is missing or not 644"
done
grep -q '^ExecStart=/usr/local/bin/node /opt/kansa/lib/node_modules/kansa/bin/kansa.js run ' "$root/etc/systemd/system/kansa.service" \
  || fail "the installed unit does not start the installed package with the given node"
[ -f "$root/opt/kansa/lib/node_modules/kansa/bin/kansa.js" ] || fail "ExecStart's script is not where the unit says"

step "the check bites: a 0750 /etc/kansa is unreadable to the service"
chmod 0750 "$root/etc/kansa"
set +e
out="$(cd /tmp && setpriv --reuid=65534 --regid=65534 --clear-groups -- "$root/usr/local/bin/node" "$root/opt/kansa/lib/node_modules/kansa/bin/kansa.js" validate --config "$root/etc/kansa/kansa.yaml" 2>&1)"
status=$?
set -e
[ "$status" = 2 ] && grep -q 'EACCES\|permission denied' <<<"$out" || fail "validate as uid 65534 with /etc/kansa 0750 should exit 2 (EACCES); got $status: $out"
n22 bash "$work/package/deploy/systemd/install.sh" --root "$root" --node /usr/local/bin/node "$tgz" >/dev/null
[ "$(mode "$root/etc/kansa")" = 755 ] || fail "install.sh did not repair a 0750 /etc/kansa"

step "systemd-analyze on the installed unit"
if command -v systemd-analyze >/dev/null; then
  # verify resolves ExecStart on this host: point the installed unit's node at the temporary root's copy.
  sed "s#^ExecStart=/usr/local/bin/node #ExecStart=$root/usr/local/bin/node #" "$root/etc/systemd/system/kansa.service" >"$work/kansa.service"
  out="$(systemd-analyze verify "$work/kansa.service" 2>&1)" || fail "systemd-analyze verify: $out"
  [ -z "$out" ] || fail "systemd-analyze verify: $out"
  score="$(systemd-analyze security --offline=yes --no-pager "$work/kansa.service" | sed -n 's/.*Overall exposure level for kansa.service: \([0-9.]*\).*/\1/p')"
  echo "   security exposure: $score"
  awk -v s="$score" 'BEGIN { exit !(s != "" && s <= 2.0) }' || fail "systemd-analyze security rates the installed unit $score (> 2.0)"
else
  echo "   (systemd-analyze not installed)"
fi

step "done"
echo "install routes: every check passed"
