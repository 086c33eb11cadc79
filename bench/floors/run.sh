#!/usr/bin/env bash
# Measures the floors under ChatRoom's figures: a C sender's CPU per million sends, Kestrel's memory per connection.
# Output: each figure as it comes, builds in artifacts/floors; options (--only, --rounds ...): docs/benchmarking.md.
set -euo pipefail
cd "$(dirname "$0")/../.."

rounds=1
seconds=10
only=""
chatroom=""
while [ $# -gt 0 ]; do
    case "$1" in
        --rounds) rounds="$2"; shift 2 ;;
        --seconds) seconds="$2"; shift 2 ;;
        --only) only="$2"; shift 2 ;;
        --chatroom) chatroom="$(realpath "$2")"; shift 2 ;;
        *) echo "unknown argument: $1 (options: --only send|idle, --rounds N, --seconds N, --chatroom PATH)" >&2; exit 2 ;;
    esac
done

source bench/install-missing.sh
install_missing gcc
echo "==> building send-floor (the C sender and the reader both floors use)"
mkdir -p artifacts/floors
gcc -O2 -Wall -o artifacts/floors/send-floor bench/floors/send-floor.c
floor="$PWD/artifacts/floors/send-floor"
server_log="$PWD/artifacts/floors/server.log"
# 10,000 connections in the idle floor: one descriptor each in the server and in the reader.
ulimit -n 20000 2>/dev/null || ulimit -n "$(ulimit -Hn)"

# Ports above Linux's default ephemeral range (32768-60999), where the readers' own ports could take the next one.
port=$((61000 + RANDOM % 4000))

rss_kib() { awk '/^VmRSS/ { print $2 }' "/proc/$1/status"; }

send_floor() {
    # scenario, clients, messages a second (senders x rate): each message is one send() to every client.
    local patterns=("a 100 200" "b 500 100" "e 2000 100")
    for round in $(seq 1 "$rounds"); do
        for pattern in "${patterns[@]}"; do
            read -r scenario clients rate <<<"$pattern"
            echo -n "send  round $round  scenario $scenario  ${seconds} s ... "
            "$floor" serve "$clients" "$port" "$rate" "$seconds" 70 &
            local server=$!
            "$floor" read "$clients" "$port" &
            local reader=$!
            wait "$server" || { kill "$reader" 2>/dev/null; exit 1; }
            wait "$reader" 2>/dev/null || true
            port=$((port + 1))
        done
    done
}

# Starts "$@" as a server on $port, holds 16 primer connections and then 10,000 idle ones, and prints the resident
# memory per idle connection, read before and after as scenario d reads it.
idle_rss() {
    "$@" >"$server_log" 2>&1 &
    local server=$!
    # As the generator does in d: a few primer connections first, so that one-time costs are not counted.
    "$floor" read 16 "$port" &
    local primers=$!
    sleep 7
    if ! kill -0 "$server" 2>/dev/null; then
        echo "the server exited; its output is in $server_log" >&2
        kill "$primers" 2>/dev/null
        exit 1
    fi
    local before descriptors
    before=$(rss_kib "$server")
    descriptors=$(ls "/proc/$server/fd" | wc -l)
    "$floor" read 10000 "$port" &
    local swarm=$!
    for _ in $(seq 1 60); do
        [ "$(ls "/proc/$server/fd" | wc -l)" -ge $((descriptors + 10000)) ] && break
        sleep 1
    done
    # Settle as d does, past the server's next collection.
    sleep 8
    local after
    after=$(rss_kib "$server")
    echo "RSS $((before / 1024)) -> $((after / 1024)) MiB  KiB per idle connection $(awk "BEGIN { printf \"%.2f\", ($after - $before) / 10000 }")"
    kill "$swarm" "$primers" "$server" 2>/dev/null
    wait "$swarm" "$primers" "$server" 2>/dev/null || true
    port=$((port + 1))
}

idle_floor() {
    echo "==> publishing KestrelIdleFloor as ChatRoom.Server is published (Native AOT; about a minute the first time)"
    dotnet publish bench/floors/KestrelIdleFloor/KestrelIdleFloor.csproj -c Release -r linux-x64 \
        -o artifacts/floors/kestrel-idle -nologo -v quiet -clp:NoSummary
    for round in $(seq 1 "$rounds"); do
        echo -n "idle  round $round  KestrelIdleFloor, 10,000 connections ... "
        idle_rss artifacts/floors/kestrel-idle/KestrelIdleFloor "$port"
        if [ -n "$chatroom" ]; then
            # The same connections, left at the nickname prompt; the Benchmark environment lifts the client limits.
            echo -n "idle  round $round  ChatRoom (unjoined), 10,000 connections ... "
            (cd "$(dirname "$chatroom")" &&
                DOTNET_ENVIRONMENT=Benchmark idle_rss "./$(basename "$chatroom")" --Chat:Port="$port" --Chat:HttpPort=0)
            port=$((port + 1))
        fi
    done
}

[ "$only" = "idle" ] || send_floor
[ "$only" = "send" ] || idle_floor
