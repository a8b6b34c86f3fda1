#!/usr/bin/env bash
# A small split cluster on loopback: PostgreSQL must be given (MEET_PG = connection string), one
# signaling node on :5000 and two media nodes at 127.0.0.1 and 127.0.0.2 (docs/ha.md). Ctrl-C stops all.
set -euo pipefail
cd "$(dirname "$0")/.."
: "${MEET_PG:?set MEET_PG to a PostgreSQL connection string}"
key=${MEET_CLUSTER_KEY:-$(head -c 16 /dev/urandom | od -An -tx1 | tr -d ' \n')}
common=(--Node:ControlPort=7400 --Node:ClusterKey="$key" --Storage:Provider=Postgres --Storage:PostgresConnectionString="$MEET_PG")
dotnet build Meet.sln -c Release -nologo -v quiet
host=Meet.Host/bin/Release/net10.0/Meet.Host.dll
dotnet $host --Node:Roles=signaling --urls=http://127.0.0.1:5000 --Signaling:GrpcUrl=http://127.0.0.1:5001 "${common[@]}" & pids=($!)
sleep 3
for i in 1 2; do
  dotnet $host --Node:Roles=media --Node:PublicIp=127.0.0.$i --Media:BindAddress=127.0.0.$i --Media:UdpPort=4000$i \
    --urls=http://127.0.0.$i:510$i "${common[@]}" & pids+=($!)
done
trap 'kill "${pids[@]}" 2>/dev/null' EXIT INT TERM
wait
