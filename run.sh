#!/usr/bin/env bash
# One-command local run without Docker: PostgreSQL, Redis and Prometheus as local processes (data under .data/),
# then the market simulator, the Ingestor and the Api. Ctrl-C stops everything.
set -euo pipefail
cd "$(dirname "$0")"
root=$PWD
data=${TRADINGHELPER_DATA:-$root/.data}
pg_port=${TRADINGHELPER_PG_PORT:-55432}
redis_port=${TRADINGHELPER_REDIS_PORT:-56379}
prom_port=${TRADINGHELPER_PROMETHEUS_PORT:-9090}
api_url=http://127.0.0.1:${TRADINGHELPER_API_PORT:-5080}
ingestor_url=http://127.0.0.1:${TRADINGHELPER_INGESTOR_PORT:-5081}
simulator_url=http://127.0.0.1:${TRADINGHELPER_SIMULATOR_PORT:-5090}
configuration=${TRADINGHELPER_CONFIGURATION:-Release}

missing=()
pg_bin=""
for v in 17 16 15; do
  [ -x "/usr/lib/postgresql/$v/bin/initdb" ] && { pg_bin="/usr/lib/postgresql/$v/bin"; break; }
done
[ -n "$pg_bin" ] || missing+=(postgresql-15)
command -v redis-server >/dev/null || missing+=(redis-server)
command -v prometheus >/dev/null || missing+=(prometheus)
command -v curl >/dev/null || missing+=(curl)
if ! command -v dotnet >/dev/null; then
  echo "The .NET SDK 10 is missing: see https://learn.microsoft.com/dotnet/core/install/linux-debian" >&2
  exit 1
fi
if [ ${#missing[@]} -gt 0 ]; then
  echo "Missing prerequisites: ${missing[*]}" >&2
  echo "Install them with: sudo apt-get install ${missing[*]}" >&2
  exit 1
fi

mkdir -p "$data/logs" "$data/redis" "$data/prometheus" "$data/spool"
# The postgres user must be able to reach its cluster folder inside the data folder.
[ "$(id -u)" -ne 0 ] || chmod o+x "$data"
pids=()
pg_started=""

as_pg() {
  # PostgreSQL refuses to run as root; the Debian package's postgres user runs it instead.
  if [ "$(id -u)" -eq 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi
}

stop_all() {
  trap - INT TERM EXIT
  echo
  echo "Stopping..."
  for pid in "${pids[@]}"; do kill -TERM "$pid" 2>/dev/null || true; done
  for pid in "${pids[@]}"; do wait "$pid" 2>/dev/null || true; done
  if [ -n "$pg_started" ]; then as_pg "$pg_bin/pg_ctl" stop -D "$data/postgres" -m fast -w >/dev/null || true; fi
  echo "Stopped. Data is kept in $data"
}
trap stop_all INT TERM EXIT

if [ ! -f "$data/postgres/PG_VERSION" ]; then
  echo "Creating the PostgreSQL cluster in $data/postgres"
  mkdir -p "$data/postgres"
  [ "$(id -u)" -ne 0 ] || chown postgres:postgres "$data/postgres"
  as_pg "$pg_bin/initdb" -D "$data/postgres" -U postgres --auth=trust --encoding=UTF8 --locale=C.UTF-8 >"$data/logs/initdb.log"
fi
[ "$(id -u)" -ne 0 ] || chown postgres:postgres "$data/logs"
as_pg "$pg_bin/pg_ctl" start -D "$data/postgres" -l "$data/logs/postgres.log" -w -t 60 \
  -o "-p $pg_port -c listen_addresses=127.0.0.1 -k /tmp" >/dev/null
pg_started=1
as_pg "$pg_bin/psql" -h 127.0.0.1 -p "$pg_port" -U postgres -tAc "SELECT 1 FROM pg_database WHERE datname = 'trading_data'" | grep -q 1 \
  || as_pg "$pg_bin/createdb" -h 127.0.0.1 -p "$pg_port" -U postgres trading_data

redis-server --port "$redis_port" --bind 127.0.0.1 --dir "$data/redis" --appendonly yes --save "" >"$data/logs/redis.log" 2>&1 &
pids+=($!)
prometheus --config.file="$root/prometheus/prometheus.local.yml" --storage.tsdb.path="$data/prometheus" \
  --web.listen-address="127.0.0.1:$prom_port" >"$data/logs/prometheus.log" 2>&1 &
pids+=($!)

if [ -z "${TRADINGHELPER_SKIP_BUILD:-}" ]; then
  echo "Building ($configuration)..."
  dotnet build "$root/TradingHelper.sln" -c "$configuration" -v quiet -nologo >"$data/logs/build.log" 2>&1 \
    || { echo "Build failed; see $data/logs/build.log" >&2; exit 1; }
fi

# Mutating Api calls need a key; a local install gets its own, kept with the data.
[ -s "$data/api-key" ] || head -c 24 /dev/urandom | base64 | tr -d '/+=' >"$data/api-key"
export Api__ApiKey=${Api__ApiKey:-$(cat "$data/api-key")}

export ConnectionStrings__tradingdb="Host=127.0.0.1;Port=$pg_port;Username=postgres;Database=trading_data"
export ConnectionStrings__redis="127.0.0.1:$redis_port"
export ASPNETCORE_ENVIRONMENT=${ASPNETCORE_ENVIRONMENT:-Development}
export TickWriter__SpoolDirectory="$data/spool"

start_service() {
  local name=$1 url=$2
  (cd "$root/TradingHelper.$name/bin/$configuration/net10.0" && ASPNETCORE_URLS=$url exec dotnet "TradingHelper.$name.dll") \
    >"$data/logs/$name.log" 2>&1 &
  pids+=($!)
}

broker=${Broker__Kind:-}
if [ -z "$broker" ]; then
  if [ -n "${Kite__ApiKey:-}" ]; then broker=kite; elif [ -n "${Fyers__AppId:-}" ]; then broker=fyers; else broker=simulator; fi
fi
export Broker__Kind=$broker
if [ "$broker" = simulator ]; then
  start_service Simulator "$simulator_url"
  # The simulator's own credentials; a real Kite account is configured with Broker__Kind=kite and Kite__* instead.
  export Kite__TickerUrl="ws://${simulator_url#http://}/" Kite__ApiBaseUrl="$simulator_url" \
    Kite__ApiKey=sim_api_key Kite__ApiSecret=sim_api_secret Kite__AccessToken=sim_access_token
fi
start_service Ingestor "$ingestor_url"
start_service Api "$api_url"

wait_healthy() {
  local name=$1 url=$2
  for _ in $(seq 1 120); do
    if curl -fsS "$url/health" >/dev/null 2>&1; then echo "  $name is healthy"; return 0; fi
    sleep 1
  done
  echo "$name did not become healthy within 120 s; see $data/logs/$name.log" >&2
  curl -sS "$url/health" >&2 || true
  exit 1
}
echo "Waiting for health..."
[ "$broker" != simulator ] || wait_healthy Simulator "$simulator_url"
wait_healthy Ingestor "$ingestor_url"
wait_healthy Api "$api_url"

# A first run has nothing subscribed, so the chart would stay empty: start with the two indices and their futures.
seed_watchlist() {
  local subscriptions tokens=""
  subscriptions=$(curl -fsS "$api_url/api/subscriptions") || return 0
  case "$subscriptions" in *'"token"'*) return 0 ;; esac
  for _ in $(seq 1 60); do
    tokens=$( { curl -fsS "$api_url/api/instruments?type=INDEX&symbol=NIFTY"
                curl -fsS "$api_url/api/instruments?underlying=NIFTY&type=FUT"
                curl -fsS "$api_url/api/instruments?underlying=BANKNIFTY&type=FUT"; } 2>/dev/null \
              | grep -o '"token":[0-9]*' | cut -d: -f2 | paste -sd, -)
    [ -z "$tokens" ] || break
    sleep 1
  done
  if [ -n "$tokens" ] && curl -fsS -X POST "$api_url/api/instruments/subscribe" -H "X-Api-Key: $Api__ApiKey" \
       -H 'Content-Type: application/json' -d "{\"tokens\":[$tokens],\"mode\":\"full\"}" >/dev/null; then
    echo "  Subscribed a starter watchlist (NIFTY 50, NIFTY BANK and their futures)"
  else
    echo "  No instruments yet to subscribe; use $api_url/docs to find and subscribe some" >&2
  fi
}
seed_watchlist

cat <<EOT

TradingHelper is running (broker: $broker). Ctrl-C stops everything.
  Api            $api_url   (X-Api-Key for changes: cat $data/api-key)
  API docs       $api_url/docs
  Live chart     $api_url/chart
  Api metrics    $api_url/metrics
  Ingestor       $ingestor_url/health   metrics: $ingestor_url/metrics
  Prometheus     http://127.0.0.1:$prom_port
  PostgreSQL     Host=127.0.0.1;Port=$pg_port;Username=postgres;Database=trading_data
  Redis          127.0.0.1:$redis_port
  Logs           $data/logs
EOT

wait -n "${pids[@]}"
echo "A service exited; see $data/logs" >&2
exit 1
