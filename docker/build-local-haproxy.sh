#!/usr/bin/env bash
# Builds a local HAProxy image from Debian's haproxy on the stand-in base of docker/build-local-base.sh, for machines
# that cannot pull docker.io/library/haproxy: docker-compose.scale.yml puts it in front of its servers.
#
#   usage: docker/build-local-haproxy.sh [--force] [IMAGE]   (IMAGE default: chatroom-haproxy:2.6-bookworm)
#   env:   CHATROOM_RUNTIME_IMAGE (chatroom-runtime-deps:10.0-bookworm, built by docker/build-local-base.sh if missing)
#
# Like the official image: it runs haproxy -f /usr/local/etc/haproxy/haproxy.cfg in the foreground, as user haproxy.
# An image of that name that exists is reused; --force rebuilds it.
set -euo pipefail

force=false
image=chatroom-haproxy:2.6-bookworm
for arg in "$@"; do
  case "$arg" in
    --force) force=true ;;
    -h | --help) sed -n '2,9p' "$0"; exit 0 ;;
    -*) echo "unknown option: $arg" >&2; exit 2 ;;
    *) image=$arg ;;
  esac
done
here=$(cd "$(dirname "$0")" && pwd)
base=${CHATROOM_RUNTIME_IMAGE:-chatroom-runtime-deps:10.0-bookworm}

log() { printf '[%s] build-local-haproxy: %s\n' "$(date +%T)" "$*"; }
docker info >/dev/null 2>&1 || { log "ERROR: no Docker engine answers (docker info failed)" >&2; exit 1; }
if ! $force && docker image inspect "$image" >/dev/null 2>&1; then
  log "reusing $image"
  exit 0
fi
docker image inspect "$base" >/dev/null 2>&1 || bash "$here/build-local-base.sh" "$base"

log "building $image: $base plus Debian's haproxy (apt-get; under a minute)"
docker build -t "$image" - <<DOCKERFILE
FROM $base
RUN apt-get update -q && DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends haproxy \
    && rm -rf /var/lib/apt/lists/* && mkdir -p /usr/local/etc/haproxy
USER haproxy
STOPSIGNAL SIGUSR1
CMD ["haproxy", "-W", "-db", "-f", "/usr/local/etc/haproxy/haproxy.cfg"]
LABEL org.opencontainers.image.description="Local stand-in for the HAProxy image: Debian's haproxy, built by docker/build-local-haproxy.sh"
DOCKERFILE
log "built $image ($(docker run --rm "$image" haproxy -v | head -n 1))"
