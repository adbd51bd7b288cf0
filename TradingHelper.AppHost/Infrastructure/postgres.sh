#!/usr/bin/env bash
# Runs PostgreSQL for the AppHost's local mode: initialises the cluster on first use, then becomes the server
# (exec), so the AppHost's stop signal reaches the postmaster itself.
#   postgres.sh <data-directory> <port>        POSTGRES_PASSWORD: the postgres user's password on first use
set -euo pipefail
data=$1 port=$2

bin=""
for v in 17 16 15; do
  [ -x "/usr/lib/postgresql/$v/bin/postgres" ] && { bin=/usr/lib/postgresql/$v/bin; break; }
done
[ -n "$bin" ] || { echo "PostgreSQL 15 or newer is missing: sudo apt-get install postgresql-15" >&2; exit 1; }

# PostgreSQL refuses to run as root; the Debian package's postgres user runs it instead. setpriv execs without a
# parent left behind (runuser would stay as the parent and swallow the stop signal).
as_server=()
if [ "$(id -u)" -eq 0 ]; then
  as_server=(setpriv --reuid=postgres --regid=postgres --init-groups --)
fi

if [ ! -f "$data/PG_VERSION" ]; then
  echo "Creating the PostgreSQL cluster in $data"
  mkdir -p "$data"
  pwfile=$(mktemp)
  trap 'rm -f "$pwfile"' EXIT
  printf '%s\n' "${POSTGRES_PASSWORD:?POSTGRES_PASSWORD is required to initialise the cluster}" >"$pwfile"
  if [ "$(id -u)" -eq 0 ]; then
    chown postgres:postgres "$data" "$pwfile"
    # The server user must be able to reach its folder through the ones above it.
    parent=$(dirname "$data")
    while [ "$parent" != / ]; do chmod o+x "$parent" 2>/dev/null || true; parent=$(dirname "$parent"); done
  fi
  chmod 700 "$data"
  "${as_server[@]}" "$bin/initdb" -D "$data" -U postgres --pwfile="$pwfile" --auth-host=scram-sha-256 \
    --auth-local=scram-sha-256 --encoding=UTF8 --locale=C.UTF-8 >/dev/null
  rm -f "$pwfile"
  trap - EXIT
fi

exec "${as_server[@]}" "$bin/postgres" -D "$data" -p "$port" -c listen_addresses=127.0.0.1 \
  -c unix_socket_directories= -c max_connections=200
