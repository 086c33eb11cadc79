#!/usr/bin/env bash
# Runs the load generator (its arguments are this script's) against the server published as the image ships it.
# Output: the results table, and bench/results/<UTC time>.json; usage and every option: docs/benchmarking.md.
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

# Unless --server names another build (e.g. the JIT one, ChatRoom.Server.dll), measure the Native AOT publish.
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
