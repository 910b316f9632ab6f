#!/bin/sh
# Runs serve_example on a free port over the repository (from disk, then
# from memory), fetches README.md with curl, checks it byte for byte, sends
# SIGTERM and expects a graceful exit with status 0.
set -eu
bin=$1
root=$2
for mode in "" --memory; do
  port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
  log=$(mktemp)
  "$bin" $mode "$root/docs" "$port" 2>"$log" &
  pid=$!
  i=0
  until grep -q listening "$log"; do
    i=$((i + 1)); [ $i -lt 600 ] || { echo "server did not start"; cat "$log"; exit 1; }
    sleep 0.1
  done
  got=$(mktemp)
  curl -s --max-time 60 -o "$got" "http://127.0.0.1:$port/runtime.md"
  cmp "$got" "$root/docs/runtime.md"
  kill -TERM $pid
  wait $pid
  rm -f "$log" "$got"
done
echo ok
