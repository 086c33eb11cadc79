#!/usr/bin/env bash
# Builds a local Aspire dashboard image, for machines that cannot pull mcr.microsoft.com/dotnet/aspire-dashboard: the
# dashboard the AppHost restores (NuGet package Aspire.Dashboard.Sdk.linux-x64, a self-contained executable with its
# wwwroot, at the version of Aspire.Hosting.AppHost in Directory.Packages.props) on the local stand-in base image,
# with the standalone image's settings: UI on 18888, OTLP/gRPC on 18889, OTLP/HTTP on 18890, user app (1654).
# An image of that name with the same dashboard version is reused; --force rebuilds it.
#
#   usage: docker/build-local-dashboard.sh [--force] [IMAGE]    (IMAGE default: chatroom-aspire-dashboard:13.6)
#   env:   CHATROOM_RUNTIME_IMAGE (chatroom-runtime-deps:10.0-bookworm, built by docker/build-local-base.sh if missing)
#
# docker-compose.offline.yml runs it (anonymous access, published on 127.0.0.1 only); see docs/containers.md.
set -euo pipefail

source "$(dirname "$0")/stand-in.sh"
parse_options 12 chatroom-aspire-dashboard:13.6 "$@"
root=$(dirname "$here")
base=${CHATROOM_RUNTIME_IMAGE:-chatroom-runtime-deps:10.0-bookworm}

need_docker

# The dashboard the AppHost runs: the SDK adds Aspire.Dashboard.Sdk.<rid> at Aspire.Hosting.AppHost's version.
version=$(sed -nE 's/.*PackageVersion Include="Aspire\.Hosting\.AppHost" Version="([^"]+)".*/\1/p' "$root/Directory.Packages.props")
[ -n "$version" ] || die "no PackageVersion for Aspire.Hosting.AppHost in Directory.Packages.props"
if ! $force && [ "$(docker image inspect --format '{{index .Config.Labels "chatroom.dashboard-version"}}' "$image" 2>/dev/null)" = "$version" ]; then
  log "reusing $image (dashboard $version)"
  exit 0
fi

packages=${NUGET_PACKAGES:-$(dotnet nuget locals global-packages --list | sed -E 's/^global-packages: //')}
tools="${packages%/}/aspire.dashboard.sdk.linux-x64/$version/tools"
if [ ! -x "$tools/Aspire.Dashboard" ]; then
  log "restoring ChatRoom.AppHost for Aspire.Dashboard.Sdk.linux-x64 $version (NuGet)"
  dotnet restore "$root/ChatRoom.AppHost/ChatRoom.AppHost.csproj" -tl:off >/dev/null || die "dotnet restore of ChatRoom.AppHost failed"
  [ -x "$tools/Aspire.Dashboard" ] || die "$tools/Aspire.Dashboard is missing after the restore"
fi

ensure_base "$base"

context=$(mktemp -d /tmp/chatroom-dashboard.XXXXXX)
trap 'rm -rf "$context"' EXIT
cat >"$context/Dockerfile" <<DOCKERFILE
FROM $base
WORKDIR /app
COPY dashboard/ /app/
# The settings of mcr.microsoft.com/dotnet/aspire-dashboard: every interface of the container, three ports.
ENV ASPNETCORE_URLS=http://+:18888 \\
    ASPIRE_DASHBOARD_OTLP_ENDPOINT_URL=http://+:18889 \\
    ASPIRE_DASHBOARD_OTLP_HTTP_ENDPOINT_URL=http://+:18890 \\
    ASPNETCORE_HTTP_PORTS= \\
    HOME=/home/app
EXPOSE 18888 18889 18890
USER 1654:1654
ENTRYPOINT ["/app/Aspire.Dashboard"]
LABEL org.opencontainers.image.description="Local stand-in for mcr.microsoft.com/dotnet/aspire-dashboard, built by docker/build-local-dashboard.sh" \\
      chatroom.dashboard-version="$version"
DOCKERFILE

log "building $image from Aspire.Dashboard.Sdk.linux-x64 $version on $base ($(du -sh "$tools" | cut -f1))"
if ! output=$(tar -c --mode=a+rX -C "$context" Dockerfile -C "$tools/.." --transform 's,^tools,dashboard,' tools | docker build -q -t "$image" - 2>&1); then
  printf '%s\n' "$output" >&2
  die "docker build of $image failed"
fi
log "built $image ($(docker image inspect --format '{{.Size}}' "$image" | awk '{printf "%.0f MB", $1 / 1000000}'))"
