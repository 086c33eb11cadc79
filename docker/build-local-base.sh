#!/usr/bin/env bash
# Builds a local stand-in for mcr.microsoft.com/dotnet/runtime-deps, for machines that cannot pull from
# mcr.microsoft.com (air-gapped CI, offline laptops). It is made only from Debian packages: debootstrap a
# minimal Debian, add what .NET's Debian runtime-deps image carries (ca-certificates, libc6, libgcc-s1, libicu,
# libssl3, libstdc++6, tzdata), the non-root user app (1654:1654) and the image's environment, then
# `docker import` it. An image of that name that already exists is reused; --force rebuilds it.
#
#   usage: sudo docker/build-local-base.sh [--force] [IMAGE]     (IMAGE default: chatroom-runtime-deps:10.0-bookworm)
#   env:   DEBIAN_SUITE (bookworm), DEBIAN_MIRROR (http://deb.debian.org/debian)
#
# Then build the server image with it (see docs/containers.md):
#   docker build --target prebuilt --build-arg RUNTIME_IMAGE=chatroom-runtime-deps:10.0-bookworm -t chatroom-server .
set -euo pipefail

source "$(dirname "$0")/stand-in.sh"
parse_options 13 chatroom-runtime-deps:10.0-bookworm "$@"
suite=${DEBIAN_SUITE:-bookworm}
mirror=${DEBIAN_MIRROR:-http://deb.debian.org/debian}
# Debian's names for the libraries in dotnet-docker's runtime-deps Dockerfile (libicu72/libssl3 on bookworm).
case "$suite" in
  bookworm) packages=ca-certificates,libc6,libgcc-s1,libicu72,libssl3,libstdc++6,tzdata ;;
  trixie) packages=ca-certificates,libc6,libgcc-s1,libicu76,libssl3t64,libstdc++6,tzdata ;;
  *) echo "DEBIAN_SUITE=$suite: only bookworm and trixie are known" >&2; exit 2 ;;
esac

need_docker
if ! $force && docker image inspect "$image" >/dev/null 2>&1; then
  log "reusing $image ($(docker image inspect --format '{{.Created}}' "$image"))"
  exit 0
fi

[ "$(id -u)" -eq 0 ] || die "debootstrap needs root: run this script with sudo"
if ! command -v debootstrap >/dev/null 2>&1; then
  log "installing debootstrap (apt-get)"
  DEBIAN_FRONTEND=noninteractive apt-get install -y -q debootstrap >/dev/null 2>&1 ||
    { apt-get update -q >/dev/null && DEBIAN_FRONTEND=noninteractive apt-get install -y -q debootstrap >/dev/null; } ||
    die "could not install debootstrap"
fi

rootfs=$(mktemp -d /tmp/chatroom-rootfs.XXXXXX)
cleanup() {
  # debootstrap mounts proc/sys inside the target; never leave them behind on failure.
  for m in proc sys dev/pts dev; do umount -l "$rootfs/$m" 2>/dev/null || true; done
  rm -rf --one-file-system "$rootfs"
}
trap cleanup EXIT

log "debootstrap $suite (minbase + $packages) from $mirror; this takes about 2 minutes"
if ! debootstrap --variant=minbase --include="$packages" "$suite" "$rootfs" "$mirror" >"$rootfs.log" 2>&1; then
  tail -n 30 "$rootfs.log" >&2
  rm -f "$rootfs.log"
  die "debootstrap failed (full log above)"
fi
rm -f "$rootfs.log"

log "adding the non-root user app (1654:1654) and trimming caches"
chroot "$rootfs" groupadd --gid 1654 app
chroot "$rootfs" useradd --no-log-init --uid 1654 --gid 1654 --create-home --shell /bin/false app
rm -rf "$rootfs"/var/cache/apt/archives/*.deb "$rootfs"/var/lib/apt/lists/* "$rootfs"/var/cache/debconf/*-old \
  "$rootfs"/var/log/* "$rootfs"/usr/share/man/* "$rootfs"/usr/share/info/* "$rootfs"/tmp/* "$rootfs"/root/.bash_history
find "$rootfs/usr/share/doc" -mindepth 1 -not -name copyright -not -type d -delete 2>/dev/null || true
: >"$rootfs/etc/resolv.conf"          # Docker bind-mounts its own resolv.conf, hostname and hosts
: >"$rootfs/etc/hostname"

log "docker import as $image"
tar --numeric-owner -C "$rootfs" --exclude=./proc/* --exclude=./sys/* --exclude=./dev/* -c . |
  docker import \
    --change 'ENV PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin' \
    --change 'ENV APP_UID=1654' \
    --change 'ENV ASPNETCORE_HTTP_PORTS=8080' \
    --change 'ENV DOTNET_RUNNING_IN_CONTAINER=true' \
    --change "LABEL org.opencontainers.image.description=\"Local stand-in for mcr.microsoft.com/dotnet/runtime-deps (Debian $suite), built by docker/build-local-base.sh\"" \
    --change 'CMD ["bash"]' \
    - "$image" >/dev/null
log "built $image: $(docker image inspect --format '{{.Size}}' "$image" | awk '{printf "%.0f MB", $1 / 1000000}')"
