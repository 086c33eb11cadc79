#!/usr/bin/env bash
# Builds local stand-ins for the .NET SDK images (mcr.microsoft.com/dotnet/sdk:10.0 and :10.0-noble-aot) from this
# machine's own .NET SDK, on the stand-in base of docker/build-local-base.sh, for the Dockerfiles' `final` targets.
#
#   usage: docker/build-local-sdk.sh [--force]
#   makes: chatroom-sdk:10.0-bookworm       this machine's SDK, its added CA certificates and NuGet revocation mode
#          chatroom-sdk:10.0-bookworm-aot   the same plus Debian's clang, lld and zlib1g-dev (what Native AOT links with)
#
# Images that exist and hold the same SDK versions are reused; --force rebuilds them. Needs root only when the base
# image is missing (debootstrap). See docs/containers.md ("The SDK stand-ins").
set -euo pipefail

source "$(dirname "$0")/stand-in.sh"
parse_options 10 "" "$@"
base=chatroom-runtime-deps:10.0-bookworm
plain=chatroom-sdk:10.0-bookworm
aot=chatroom-sdk:10.0-bookworm-aot

need_docker
command -v dotnet >/dev/null 2>&1 || die "dotnet is not on PATH: the stand-ins are made of this machine's .NET SDK"
dotnet_root=$(dirname "$(readlink -f "$(command -v dotnet)")")
[ -d "$dotnet_root/sdk" ] || die "$dotnet_root has no sdk/ folder: not a .NET SDK installation"
# What the images are made of: the SDK and runtime versions. A change rebuilds them.
sdk_versions=$(cd "$dotnet_root" && find sdk shared -mindepth 1 -maxdepth 2 -type d | sort | paste -sd' ' -)

current() { # prints the sdk-versions label of image $1, empty when the image does not exist
  docker image inspect --format '{{index .Config.Labels "chatroom.sdk-versions"}}' "$1" 2>/dev/null || true
}

if ! $force && [ "$(current "$plain")" = "$sdk_versions" ] && [ "$(current "$aot")" = "$sdk_versions" ]; then
  log "reusing $plain and $aot (same SDK: $(ls "$dotnet_root/sdk" | paste -sd' ' -))"
  exit 0
fi

ensure_base "$base"

context=$(mktemp -d /tmp/chatroom-sdk.XXXXXX)
trap 'rm -rf "$context"' EXIT
mkdir "$context/ca-certificates"
# The CA certificates this machine added to its trust store (a TLS-inspecting proxy's, a company's): without them
# the restore inside `docker build` cannot reach the NuGet source this machine uses.
cp /usr/local/share/ca-certificates/*.crt "$context/ca-certificates/" 2>/dev/null || true
# NuGet checks package signatures; where the revocation servers cannot be reached, this machine says so.
revocation=${NUGET_CERT_REVOCATION_MODE:-online}

cat >"$context/Dockerfile" <<EOF
FROM $base
COPY ca-certificates/ /usr/local/share/ca-certificates/
RUN update-ca-certificates >/dev/null
COPY dotnet/ /usr/share/dotnet/
RUN ln -s /usr/share/dotnet/dotnet /usr/bin/dotnet && dotnet --version
# The environment of Microsoft's SDK images, plus this machine's NuGet revocation mode.
ENV DOTNET_GENERATE_ASPNET_CERTIFICATE=false \\
    DOTNET_NOLOGO=true \\
    DOTNET_CLI_TELEMETRY_OPTOUT=true \\
    DOTNET_USE_POLLING_FILE_WATCHER=true \\
    NUGET_XMLDOC_MODE=skip \\
    NUGET_CERT_REVOCATION_MODE=$revocation
LABEL org.opencontainers.image.description="Local stand-in for mcr.microsoft.com/dotnet/sdk:10.0, built by docker/build-local-sdk.sh" \\
      chatroom.sdk-versions="$sdk_versions"
EOF

log "building $plain from $dotnet_root ($(du -sh "$dotnet_root" | cut -f1); about a minute)"
tar -c -C "$context" Dockerfile ca-certificates -C "$(dirname "$dotnet_root")" --transform "s,^$(basename "$dotnet_root"),dotnet," \
  "$(basename "$dotnet_root")" | docker build -t "$plain" - || die "docker build of $plain failed"

log "building $aot: $plain plus clang, lld and zlib1g-dev from Debian (apt-get; about a minute)"
docker build -t "$aot" - <<EOF || die "docker build of $aot failed"
FROM $plain
RUN apt-get update -q && DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends clang lld zlib1g-dev \\
    && rm -rf /var/lib/apt/lists/* && clang --version | head -n 1
LABEL org.opencontainers.image.description="Local stand-in for mcr.microsoft.com/dotnet/sdk:10.0-noble-aot, built by docker/build-local-sdk.sh"
EOF
log "built $plain ($(docker image inspect --format '{{.Size}}' "$plain" | awk '{printf "%.0f MB", $1 / 1000000}')) and $aot ($(docker image inspect --format '{{.Size}}' "$aot" | awk '{printf "%.0f MB", $1 / 1000000}'))"
