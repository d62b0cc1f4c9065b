#!/usr/bin/env bash
# Builds a minimal Node base image from this machine's own Node binary, for tests and CI where no image
# registry can be reached: node + npm + /usr/bin/env + their shared libraries + CA certificates.
# Usage: scripts/local-base-image.sh [TAG]   (default dreamd-local/node:24; no-op if it exists)
set -euo pipefail
tag=${1:-dreamd-local/node:24}
if docker image inspect "$tag" >/dev/null 2>&1; then echo "$tag exists"; exit 0; fi

node_bin=$(command -v node)
major=$("$node_bin" -p 'process.versions.node.split(".")[0]')
[ "$major" -ge 22 ] || { echo "local-base-image: need Node >= 22 on PATH, found $("$node_bin" --version)" >&2; exit 1; }
npm_dir=$(cd "$(dirname "$(readlink -f "$(command -v npm)")")/.." && pwd)

root=$(mktemp -d)
trap 'rm -rf "$root"' EXIT
mkdir -p "$root"/usr/local/bin "$root"/usr/local/lib/node_modules "$root"/usr/bin "$root"/etc/ssl/certs \
  "$root"/tmp "$root"/root "$root"/home/nonroot
cp "$node_bin" "$root/usr/local/bin/node"
cp /usr/bin/env "$root/usr/bin/env"
for lib in $(ldd "$node_bin" /usr/bin/env | awk '/=>/ { print $3 } /ld-linux/ { print $1 }' | sort -u); do
  cp --parents -L "$lib" "$root"
done
cp -r "$npm_dir" "$root/usr/local/lib/node_modules/npm"
ln -s ../lib/node_modules/npm/bin/npm-cli.js "$root/usr/local/bin/npm"
ln -s ../lib/node_modules/npm/bin/npx-cli.js "$root/usr/local/bin/npx"
cp /etc/ssl/certs/ca-certificates.crt "$root/etc/ssl/certs/"
printf 'root:x:0:0:root:/root:/sbin/nologin\nnonroot:x:65532:65532:nonroot:/home/nonroot:/sbin/nologin\n' >"$root/etc/passwd"
printf 'root:x:0:\nnonroot:x:65532:\n' >"$root/etc/group"
chmod 1777 "$root/tmp"
tar -C "$root" -c . | docker import \
  --change 'ENV PATH=/usr/local/bin:/usr/bin:/bin' \
  --change 'ENV NODE_EXTRA_CA_CERTS=/etc/ssl/certs/ca-certificates.crt' \
  --change 'ENV NPM_CONFIG_CAFILE=/etc/ssl/certs/ca-certificates.crt' \
  --change 'CMD ["node"]' - "$tag" >/dev/null
echo "built $tag ($(docker image inspect -f '{{.Size}}' "$tag") bytes)"
