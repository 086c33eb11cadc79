#!/usr/bin/env bash
# The kernel's floor for scenarios a, b and e: a C program that does nothing but send one 70-byte line to each
# recipient (the size ChatRoom delivers for the generator's 64-byte messages), paced as each scenario paces its
# messages, with TCP_NODELAY as ChatRoom sends. Installs gcc if missing, builds into artifacts/send-floor, runs each pattern for --seconds (default 10) --rounds times (default 1).
#   bench/send-floor/run.sh
#   bench/send-floor/run.sh --rounds 3 --seconds 5
# See docs/performance.md, "The kernel's floor".
set -euo pipefail
cd "$(dirname "$0")/../.."

rounds=1
seconds=10
while [ $# -gt 0 ]; do
    case "$1" in
        --rounds) rounds="$2"; shift 2 ;;
        --seconds) seconds="$2"; shift 2 ;;
        *) echo "unknown argument: $1 (see the comment at the top of $0)" >&2; exit 2 ;;
    esac
done

if ! command -v gcc >/dev/null 2>&1; then
    echo "==> installing gcc"
    sudo=""
    [ "$(id -u)" -eq 0 ] || sudo="sudo"
    $sudo apt-get install -y gcc || { $sudo apt-get update && $sudo apt-get install -y gcc; }
fi
mkdir -p artifacts/send-floor
gcc -O2 -Wall -o artifacts/send-floor/send-floor bench/send-floor/send-floor.c
floor=artifacts/send-floor/send-floor
ulimit -n 8192 2>/dev/null || true

# Above Linux's default ephemeral range (32768-60999), where the readers' own ports could take the next one.
port=$((61000 + RANDOM % 4000))
# scenario, clients, messages a second (senders x rate): each message is one send() to every client.
patterns=("a 100 200" "b 500 100" "e 2000 100")
for round in $(seq 1 "$rounds"); do
    for pattern in "${patterns[@]}"; do
        read -r scenario clients rate <<<"$pattern"
        echo -n "round $round  scenario $scenario  ${seconds} s ... "
        "$floor" serve "$clients" "$port" "$rate" "$seconds" 70 &
        server=$!
        "$floor" read "$clients" "$port" &
        reader=$!
        wait "$server" || { kill "$reader" 2>/dev/null; exit 1; }
        wait "$reader" 2>/dev/null || true
        port=$((port + 1))
    done
done
