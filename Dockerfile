# ChatRoom server image. Build from the repository root (see docs/containers.md):
#   docker build -t chatroom-server .
#       the default `final` target: publishes Native AOT inside the -aot .NET SDK image (from mcr.microsoft.com, or
#       its local stand-in: --build-arg SDK_IMAGE=chatroom-sdk:10.0-bookworm-aot, made by docker/build-local-sdk.sh)
#   dotnet publish ChatRoom.Server/ChatRoom.Server.csproj -c Release -r linux-x64 -o artifacts/server
#   docker build --target prebuilt --build-arg RUNTIME_IMAGE=chatroom-runtime-deps:10.0-bookworm -t chatroom-server .
#       offline: packages that host-side publish on the local base from docker/build-local-base.sh
# Plain Dockerfile syntax only (no `# syntax=`, no RUN --mount): it builds with BuildKit and the legacy builder alike.

# The runtime-deps images hold no .NET runtime: the server is compiled ahead of time (PublishAot in its project
# file; chosen by measurement, see docs/performance.md) into one native executable. Chiseled = no shell, no
# package manager; "-extra" adds ICU, which nickname rules need (Unicode normalization and case folding of any
# script). The HEALTHCHECK needs no shell tools.
ARG RUNTIME_IMAGE=mcr.microsoft.com/dotnet/runtime-deps:10.0-noble-chiseled-extra
# The -aot SDK image adds the native toolchain (clang, lld) that ahead-of-time compilation links with.
ARG SDK_IMAGE=mcr.microsoft.com/dotnet/sdk:10.0-noble-aot

# ---- runtime: what every variant of the image shares -------------------------------------------------------
FROM ${RUNTIME_IMAGE} AS runtime
WORKDIR /app
# Chat__Host=*: listen on every interface of the container (the server's own default is 127.0.0.1).
# ASPNETCORE_HTTP_PORTS (8080 in the base images) is cleared: the server binds its two ports itself.
ENV Chat__Host=* \
    Chat__Port=55555 \
    Chat__HttpPort=55556 \
    ASPNETCORE_HTTP_PORTS= \
    DOTNET_RUNNING_IN_CONTAINER=true
# 55555: the chat protocol (TCP); 55556: HTTP /health and /alive.
EXPOSE 55555 55556
# The "app" user of Microsoft's .NET images, numeric uid:gid so it also holds where /etc/passwd lacks it.
USER 1654:1654
# The server binary probes its own /alive over loopback: no shell, curl or wget needed (see HealthProbe.cs).
HEALTHCHECK --interval=10s --timeout=5s --start-period=20s --retries=3 \
    CMD ["/app/ChatRoom.Server", "--health-check"]
ENTRYPOINT ["/app/ChatRoom.Server"]

# ---- prebuilt: packages a host-side `dotnet publish` (artifacts/server) ---------------------------------------
# Keep this stage ABOVE `build`: the legacy builder runs every stage from the top down to the target, so with
# --target prebuilt it then never touches the SDK image. For the same reason it also runs for --target final, on
# clones that have no artifacts/: the wildcard may then match nothing, and global.json (small, read by nothing in
# the image) gives the COPY the one source the legacy builder requires.
FROM runtime AS prebuilt
COPY global.json artifacts/server* /app/

# ---- build: restore and publish inside the .NET SDK image (Native AOT: built for the platform it runs on) ------
FROM ${SDK_IMAGE} AS build
ARG SDK_IMAGE
# Set by BuildKit (amd64, arm64); empty with the legacy builder, which builds for its own (amd64) machine.
ARG TARGETARCH
WORKDIR /src
# Native AOT links with the platform's C toolchain, which only the -aot SDK images carry: say so before the restore,
# instead of the publish failing minutes later with "Platform linker not found".
RUN if ! command -v clang >/dev/null && ! command -v gcc >/dev/null; then \
        echo "error: SDK_IMAGE=${SDK_IMAGE} has no C toolchain (clang or gcc), which the Native AOT publish of the" \
             "server links with. Build with an -aot SDK image: mcr.microsoft.com/dotnet/sdk:10.0-noble-aot, or" \
             "offline the stand-in chatroom-sdk:10.0-bookworm-aot from docker/build-local-sdk.sh." >&2; \
        exit 1; \
    fi
RUN case "${TARGETARCH:-amd64}" in \
        amd64) echo linux-x64 ;; arm64) echo linux-arm64 ;; arm) echo linux-arm ;; \
        *) echo "unsupported TARGETARCH=${TARGETARCH}" >&2; exit 1 ;; \
    esac >/tmp/rid
# Restore first, from the project files alone, so the layer is reused while only sources change.
COPY global.json Directory.Build.props Directory.Packages.props ./
COPY ChatRoom.Protocol/ChatRoom.Protocol.csproj ChatRoom.Protocol/
COPY ChatRoom.ServiceDefaults/ChatRoom.ServiceDefaults.csproj ChatRoom.ServiceDefaults/
COPY ChatRoom.Server/ChatRoom.Server.csproj ChatRoom.Server/
# Same publish command as .ci/containers and docs/containers.md; the project file asks for Native AOT.
RUN dotnet restore ChatRoom.Server/ChatRoom.Server.csproj -r "$(cat /tmp/rid)"
COPY ChatRoom.Protocol/ ChatRoom.Protocol/
COPY ChatRoom.ServiceDefaults/ ChatRoom.ServiceDefaults/
COPY ChatRoom.Server/ ChatRoom.Server/
RUN dotnet publish ChatRoom.Server/ChatRoom.Server.csproj -c Release -r "$(cat /tmp/rid)" --no-restore -o /out

# ---- final (default): the image users get -------------------------------------------------------------------
FROM runtime AS final
COPY --from=build /out/ /app/
