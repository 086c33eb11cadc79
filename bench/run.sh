#!/usr/bin/env bash
# Runs the fan-out load generator against ChatRoom, ncat --chat and ngIRCd: raises the open-files limit, installs
# ncat (and ngircd, when asked for) if missing, publishes the server as the image ships it (Native AOT) and builds
# the generator, then runs the generator with the arguments given. Pass --server <path> to measure another build (e.g. the JIT one:
# ChatRoom.Server/bin/Release/net10.0/ChatRoom.Server.dll after `dotnet build ChatRoom.Server -c Release`).
#   bench/run.sh --scenario all                  # everything, ChatRoom and ncat (2–4 minutes)
#   bench/run.sh --scenario a,c --target chatroom
#   bench/run.sh --scenario a,b,c,e --target all # ChatRoom, ncat and ngIRCd
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

# The peers: ncat --chat always, ngIRCd (a C IRC server) only for --target ngircd or all: on a machine with systemd
# Debian's package also starts it as a service. Debian puts ngircd in /usr/sbin.
export PATH="$PATH:/usr/sbin"
peers=(ncat)
if [[ " $* " =~ --target[=\ ](all|ngircd)\  ]]; then
    peers+=(ngircd)
fi
source bench/install-missing.sh
install_missing "${peers[@]}"
for peer in "${peers[@]}"; do
    echo "    $("$peer" --version 2>&1 | head -n 1)"
done

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
