#!/usr/bin/env bash
# Runs the fan-out load generator against ChatRoom and ncat --chat: raises the open-files limit, installs ncat if it
# is missing, builds the server and the generator in Release, then runs the generator with the arguments given.
#   bench/run.sh --scenario all                  # everything, ChatRoom and ncat (about 5 minutes)
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

echo "==> building ChatRoom.Server and ChatRoom.LoadGen (Release)"
dotnet build ChatRoom.Server/ChatRoom.Server.csproj -c Release -nologo -v quiet -clp:NoSummary
dotnet build bench/ChatRoom.LoadGen/ChatRoom.LoadGen.csproj -c Release -nologo -v quiet -clp:NoSummary

echo "==> running ChatRoom.LoadGen $*"
exec dotnet bench/ChatRoom.LoadGen/bin/Release/net10.0/ChatRoom.LoadGen.dll "$@"
