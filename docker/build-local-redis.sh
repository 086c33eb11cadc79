#!/usr/bin/env bash
# Builds a local Redis image from Debian's redis-server on the stand-in base of docker/build-local-base.sh, for
# machines that cannot pull docker.io/library/redis: the AppHost (Redis:Image) and docker-compose.scale.yml use it.
#
#   usage: docker/build-local-redis.sh [--force] [IMAGE]     (IMAGE default: chatroom-redis:7-bookworm)
#   env:   CHATROOM_RUNTIME_IMAGE (chatroom-runtime-deps:10.0-bookworm, built by docker/build-local-base.sh if missing)
#
# Like the official image: redis-server on 6379, every interface, data in /data (append-only), as user redis.
# An image of that name that exists is reused; --force rebuilds it.
set -euo pipefail

source "$(dirname "$0")/stand-in.sh"
parse_options 9 chatroom-redis:7-bookworm "$@"
base=${CHATROOM_RUNTIME_IMAGE:-chatroom-runtime-deps:10.0-bookworm}

need_docker
if ! $force && docker image inspect "$image" >/dev/null 2>&1; then
  log "reusing $image"
  exit 0
fi
ensure_base "$base"

log "building $image: $base plus Debian's redis-server (apt-get; under a minute)"
docker build -t "$image" - <<DOCKERFILE
FROM $base
RUN apt-get update -q && DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends redis-server \
    && rm -rf /var/lib/apt/lists/* && mkdir -p /data && chown redis:redis /data
WORKDIR /data
EXPOSE 6379
USER redis
CMD ["redis-server", "--bind", "0.0.0.0", "::", "--protected-mode", "no", "--dir", "/data", "--appendonly", "yes"]
LABEL org.opencontainers.image.description="Local stand-in for the Redis image: Debian's redis-server, built by docker/build-local-redis.sh"
DOCKERFILE
log "built $image ($(docker run --rm "$image" redis-server --version | cut -d' ' -f3))"
