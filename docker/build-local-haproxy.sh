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

source "$(dirname "$0")/stand-in.sh"
parse_options 9 chatroom-haproxy:2.6-bookworm "$@"
base=${CHATROOM_RUNTIME_IMAGE:-chatroom-runtime-deps:10.0-bookworm}

need_docker
if ! $force && docker image inspect "$image" >/dev/null 2>&1; then
  log "reusing $image"
  exit 0
fi
ensure_base "$base"

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
