#!/usr/bin/env bash
# A small cluster on one machine (docs/ha.md): PostgreSQL and Redis (throwaway ones in a temp folder
# unless MEET_PG / MEET_REDIS name running servers), two signaling nodes and two media nodes on loopback.
#   signaling A: http://127.0.0.1:5000 (gRPC :5001)   signaling B: http://127.0.0.1:5010 (gRPC :5011)
#   media 1: 127.0.0.1 (UDP 40001)                     media 2: 127.0.0.2 (UDP 40002)
# A client given both signaling nodes (MeetClientOptions.FallbackNodes) keeps its meeting when one dies.
# Ctrl-C stops everything this script started. Needs the Debian packages postgresql and redis-server.
set -euo pipefail
cd "$(dirname "$0")/.."
tmp=$(mktemp -d); chmod 755 "$tmp"
pids=()
pgdata=""
cleanup() {
  kill "${pids[@]}" 2>/dev/null || true
  wait 2>/dev/null || true
  if [ -n "$pgdata" ]; then runuser -u postgres -- /usr/lib/postgresql/15/bin/pg_ctl -D "$pgdata" -m immediate -w stop >/dev/null 2>&1 || true; fi
  rm -rf "$tmp"
}
trap cleanup EXIT INT TERM

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
if [ -z "${MEET_PG:-}" ]; then
  pgport=$(free_port)
  mkdir "$tmp/pg"; chown postgres:postgres "$tmp/pg"; pgdata="$tmp/pg/data"
  runuser -u postgres -- /usr/lib/postgresql/15/bin/initdb -D "$pgdata" -U postgres -A trust -E UTF8 --no-sync >/dev/null
  runuser -u postgres -- /usr/lib/postgresql/15/bin/pg_ctl -D "$pgdata" -l "$tmp/pg/log" -w -t 30 \
    -o "-p $pgport -k $tmp/pg -c listen_addresses=127.0.0.1" start >/dev/null
  MEET_PG="Host=127.0.0.1;Port=$pgport;Username=postgres;Database=postgres"
fi
if [ -z "${MEET_REDIS:-}" ]; then
  redisport=$(free_port)
  redis-server --bind 127.0.0.1 --port "$redisport" --save '' --appendonly no --dir "$tmp" --daemonize no >"$tmp/redis.log" & pids+=($!)
  MEET_REDIS="127.0.0.1:$redisport"
fi

# Every node of a cluster shares these: the database, the media nodes' control port and key, and (the
# signaling nodes) Redis and the token signing key.
key=${MEET_CLUSTER_KEY:-$(head -c 16 /dev/urandom | od -An -tx1 | tr -d ' \n')}
signing=${MEET_SIGNING_KEY:-$(head -c 32 /dev/urandom | od -An -tx1 | tr -d ' \n')}
common=(--Node:ControlPort=7400 --Node:ClusterKey="$key" --Storage:Provider=Postgres --Storage:PostgresConnectionString="$MEET_PG")
signaling=(--Node:Roles=signaling --Redis:Configuration="$MEET_REDIS" --Auth:SigningKey="$signing")
[ "${MEET_NO_BUILD:-}" = 1 ] || dotnet build Meet.sln -c Release -nologo -v quiet
host=Meet.Host/bin/Release/net10.0/Meet.Host.dll
# Signaling A first: it runs the database migrations.
dotnet $host "${signaling[@]}" --urls=http://127.0.0.1:5000 --Signaling:GrpcUrl=http://127.0.0.1:5001 "${common[@]}" & pids+=($!)
sleep 3
dotnet $host "${signaling[@]}" --urls=http://127.0.0.1:5010 --Signaling:GrpcUrl=http://127.0.0.1:5011 "${common[@]}" & pids+=($!)
for i in 1 2; do
  dotnet $host --Node:Roles=media --Node:PublicIp=127.0.0.$i --Media:BindAddress=127.0.0.$i --Media:UdpPort=4000$i \
    --urls=http://127.0.0.$i:510$i "${common[@]}" & pids+=($!)
done
echo "cluster: signaling http://127.0.0.1:5000 and http://127.0.0.1:5010, media 127.0.0.1 and 127.0.0.2 (Ctrl-C stops)"
wait
