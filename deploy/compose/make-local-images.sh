#!/usr/bin/env bash
# Makes, from this Debian (bookworm, merged /usr) host's own files and with no registry, the local
# images that stand in for registry images (docs/deploy.md, "No registry"):
#
#   host-usr       local/host-usr: no binaries at all, only the merged-/usr links (/bin -> usr/bin,
#                  /lib, /lib64, /sbin), an empty /usr, /tmp and a root-only /etc/passwd. A few KB.
#                  docker-compose.local.yml bind-mounts the host's /usr read-only onto its /usr, so
#                  every service runs the host's Debian binaries (redis-server, influxd, prometheus,
#                  node).
#   node-builder   local/node:20-bookworm, for deploy/Dockerfile's BUILDER_IMAGE: the files of the host's
#                  packages nodejs (node 20 and npm), python3, make, g++, dash, coreutils, sed, grep,
#                  findutils, tar and everything they depend on (`dpkg -L` of the `apt-cache depends`
#                  closure), about 550 MB. node-gyp compiles against the headers of the host's nodejs
#                  (npm_config_nodedir=/usr: nodejs.org, where node-gyp fetches them, is unreachable
#                  here), and npm trusts the host's CA bundle.
#   node-runtime   local/node:20-bookworm-slim, for deploy/Dockerfile's RUNTIME_IMAGE: nodejs (without
#                  its python3 and ca-certificates dependencies, as in the real slim image), dash,
#                  coreutils and the C/C++ libraries, user node (uid 1000), about 200 MB.
#
#   DOCKER_HOST=unix:///path/docker.sock bash deploy/compose/make-local-images.sh host-usr node-builder node-runtime
#
# The docker CLI is called as `docker` ($DOCKER overrides it; a newer CLI than the daemon needs
# DOCKER_API_VERSION, e.g. 1.41 for Debian's dockerd 20.10). Needs root (files of other users, ldconfig).
# Replaces the former make-local-image.sh, which imported the host's whole /usr (7 GB here).
set -euo pipefail

DOCKER=${DOCKER:-docker}
work=$(mktemp -d "${TMPDIR:-/tmp}/cgmeter-images.XXXXXX")
trap 'rm -rf "$work"' EXIT

# The directories every image has, the merged-/usr links, and users; $2: extra passwd/group lines.
skeleton() {
  local root=$1
  mkdir -p "$root"/{usr,etc,tmp,var/tmp,root,proc,sys,dev,run,home}
  chmod 1777 "$root/tmp" "$root/var/tmp"
  chmod 700 "$root/root"
  for d in bin lib lib64 sbin; do ln -sfn "usr/$d" "$root/$d"; done
  printf 'root:x:0:0:root:/root:/bin/sh\n%s' "${2:-}" > "$root/etc/passwd"
  printf 'root:x:0:\n%s' "${3:-}" > "$root/etc/group"
  printf 'passwd: files\ngroup: files\nhosts: files dns\n' > "$root/etc/nsswitch.conf"
}

# Installed packages that the given ones need, transitively (Depends and Pre-Depends only).
closure() {
  apt-cache depends --recurse --installed --no-recommends --no-suggests --no-conflicts --no-breaks \
    --no-replaces --no-enhances "$@" | grep -v '^[ <]' | sort -u
}

# Copies the files of the packages on stdin (as dpkg lists them) into $1. On a merged-/usr host dpkg
# still lists /bin/x and /lib/x: those live in /usr, where the image's links point. npm is taken
# whole from the host's /usr/lib/node_modules instead of from nodejs's list: `npm install -g npm`
# replaces it with files dpkg does not know (npm 11 here, over the package's npm 10).
copy_packages() {
  local root=$1 list="$work/files"
  { xargs dpkg-query -L | grep '^/' | grep -v '^/usr/lib/node_modules/'; find /usr/lib/node_modules; } \
    | grep -vxE '/\.|/(bin|sbin|lib|lib64)' | sed -E 's#^/(bin|sbin|lib|lib64)/#/usr/\1/#' | sort -u > "$list"
  # update-alternatives links (cc, c++, awk...) are not in dpkg's lists: the ones whose final
  # target is one of these files, with their /etc/alternatives hop.
  local link target
  for link in $(find /usr/bin /usr/sbin -maxdepth 1 -lname '/etc/alternatives/*'); do
    target=$(readlink -f "$link")
    if grep -qxF "$target" "$list"; then printf '%s\n%s\n' "$link" "$(readlink "$link")" >> "$list"; fi
  done
  # --no-recursion: directories as entries (their mode), not their whole content.
  tar -C / --no-recursion --ignore-failed-read -cf - -T <(sed 's#^/##' "$list") 2>/dev/null | tar -C "$root" -xpf -
}

# The dynamic loader's cache for the libraries in the image (dirs as on the host).
ldcache() {
  local root=$1
  printf '/usr/local/lib\n/usr/local/lib/x86_64-linux-gnu\n/usr/lib/x86_64-linux-gnu\n' > "$root/etc/ld.so.conf"
  ldconfig -r "$root"
}

import_image() {
  local root=$1 name=$2; shift 2
  local changes=(--change 'ENV PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin')
  for c in "$@"; do changes+=(--change "$c"); done
  tar -C "$root" -cf - . | $DOCKER import "${changes[@]}" - "$name" >/dev/null
  echo "$name"
}

make_host_usr() {
  local root="$work/host-usr"
  skeleton "$root"
  import_image "$root" local/host-usr:latest
}

make_node_builder() {
  local root="$work/node-builder"
  mkdir -p "$root"
  closure nodejs python3 make g++ dash coreutils sed grep findutils tar gzip | copy_packages "$root"
  skeleton "$root"
  # ca-certificates generates the bundle at install; it is not one of the package's files.
  mkdir -p "$root/etc/ssl/certs"
  cp /etc/ssl/certs/ca-certificates.crt "$root/etc/ssl/certs/"
  ldcache "$root"
  import_image "$root" local/node:20-bookworm \
    'ENV npm_config_nodedir=/usr' 'ENV NODE_EXTRA_CA_CERTS=/etc/ssl/certs/ca-certificates.crt' 'CMD ["node"]'
}

make_node_runtime() {
  local root="$work/node-runtime"
  mkdir -p "$root"
  # nodejs itself, without its python3 and ca-certificates dependencies (node needs only the C
  # and C++ libraries), as in the real slim image.
  { echo nodejs; closure libc6 libgcc-s1 libstdc++6 dash coreutils; } | copy_packages "$root"
  skeleton "$root" 'node:x:1000:1000::/home/node:/bin/sh
' 'node:x:1000:
'
  mkdir -p "$root/home/node" && chown 1000:1000 "$root/home/node"
  ldcache "$root"
  import_image "$root" local/node:20-bookworm-slim 'CMD ["node"]'
}

[ $# -gt 0 ] || { sed -n '2,26p' "$0" | sed 's/^# \{0,1\}//'; exit 2; }
for image in "$@"; do
  case $image in
    host-usr) make_host_usr ;;
    node-builder) make_node_builder ;;
    node-runtime) make_node_runtime ;;
    *) echo "make-local-images.sh: unknown image '$image' (host-usr, node-builder, node-runtime)" >&2; exit 2 ;;
  esac
done
