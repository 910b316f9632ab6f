#!/bin/sh
# Runs embed_server on a free port and checks with curl what it serves from
# the binary: index.html byte for byte at / (index.html itself redirects
# there, as in Go), with the SHA-256 of its bytes as the strong ETag; 304
# for that ETag; the gzip copy (Content-Encoding, Vary) to
# a client that accepts it, which gunzips to the same bytes; 404 for a file
# embedding leaves out (a leading '_'). Then SIGTERM: a graceful exit, 0.
set -eu
bin=$1
site=$2
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
log=$(mktemp)
tmp=$(mktemp -d)
"$bin" "$port" 2>"$log" &
pid=$!
trap 'kill -9 $pid 2>/dev/null || true; rm -rf "$log" "$tmp"' EXIT
i=0
until grep -q listening "$log"; do
  i=$((i + 1)); [ $i -lt 600 ] || { echo "server did not start"; cat "$log"; exit 1; }
  sleep 0.1
done
url="http://127.0.0.1:$port"
code=$(curl -s --max-time 60 -o /dev/null -w "%{http_code} %{redirect_url}" "$url/index.html")
[ "$code" = "301 $url/" ] || { echo "index.html: got $code, want a 301 to /"; exit 1; }
curl -s --max-time 60 -D "$tmp/h" -o "$tmp/body" "$url/"
cmp "$tmp/body" "$site/index.html"
sum=$(sha256sum "$site/index.html" | cut -c1-64)
etag=$(grep -i '^etag:' "$tmp/h" | tr -d '\r' | sed 's/^[^:]*: *//')
[ "$etag" = "\"$sum\"" ] || { echo "ETag $etag, want \"$sum\""; exit 1; }
code=$(curl -s --max-time 60 -o /dev/null -w '%{http_code}' -H "If-None-Match: $etag" "$url/")
[ "$code" = 304 ] || { echo "If-None-Match: got $code, want 304"; exit 1; }
curl -s --max-time 60 -D "$tmp/gh" -o "$tmp/gz" -H 'Accept-Encoding: gzip' "$url/"
grep -qi '^content-encoding: gzip' "$tmp/gh" || { echo "no gzip copy"; cat "$tmp/gh"; exit 1; }
grep -qi '^vary: accept-encoding' "$tmp/gh" || { echo "no Vary"; cat "$tmp/gh"; exit 1; }
gzip -dc "$tmp/gz" | cmp - "$site/index.html"
code=$(curl -s --max-time 60 -o /dev/null -w '%{http_code}' "$url/_draft.html")
[ "$code" = 404 ] || { echo "_draft.html: got $code, want 404"; exit 1; }
kill -TERM $pid
wait $pid
echo ok
