#!/usr/bin/env bash
# Runs the fan-out load generator against ChatRoom and ncat --chat: raises the open-files limit, installs ncat if it
# is missing, publishes the server as the image ships it (Native AOT) and builds the generator, then runs the
# generator with the arguments given. Pass --server <path> to measure another build (e.g. the JIT one:
# ChatRoom.Server/bin/Release/net10.0/ChatRoom.Server.dll after `dotnet build ChatRoom.Server -c Release`).
#   bench/run.sh --scenario all                  # everything, ChatRoom and ncat (2–4 minutes)
#   bench/run.sh --scenario a,c --target chatroom
#   bench/run.sh --help
# See docs/performance.md.
set -euo pipefail
cd "$(dirname "$0")/.."

# 10,000 connections need ~20,000 descriptors: one per socket in the generator, one in the server it starts.
echo "==> raising the open-files limit"
if ! ulimit -n 65536 2>/dev/null; then
    ulimit -n "$(ulimit -Hn)"
    echo "    65536 is not permitted here; using the hard limit"
fi
echo "    ulimit -n: $(ulimit -n) per process"

if ! command -v ncat >/dev/null 2>&1; then
    echo "==> installing ncat"
    sudo=""
    [ "$(id -u)" -eq 0 ] || sudo="sudo"
    $sudo apt-get install -y ncat || { $sudo apt-get update && $sudo apt-get install -y ncat; }
fi
echo "    $(ncat --version 2>&1 | head -n 1)"

server=()
if [[ " $* " != *" --server"* ]]; then
    echo "==> publishing ChatRoom.Server as in the image (Native AOT) to artifacts/bench-server (about a minute the first time)"
    dotnet publish ChatRoom.Server/ChatRoom.Server.csproj -c Release -r linux-x64 -o artifacts/bench-server -nologo -v quiet -clp:NoSummary
    server=(--server artifacts/bench-server/ChatRoom.Server)
fi

echo "==> building ChatRoom.LoadGen (Release)"
dotnet build bench/ChatRoom.LoadGen/ChatRoom.LoadGen.csproj -c Release -nologo -v quiet -clp:NoSummary

echo "==> running ChatRoom.LoadGen ${server[*]} $*"
exec dotnet bench/ChatRoom.LoadGen/bin/Release/net10.0/ChatRoom.LoadGen.dll "${server[@]}" "$@"
