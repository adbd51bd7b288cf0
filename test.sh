#!/usr/bin/env bash
# The test command: every .NET test against real PostgreSQL and Redis started by the tests themselves,
# then the TimescaleDB conformance suite (TimescaleDB compiled to WebAssembly, pinned by package-lock.json).
set -euo pipefail
cd "$(dirname "$0")"
dotnet test TradingHelper.sln --logger "console;verbosity=normal"
[ -d tests/timescaledb/node_modules ] || npm ci --prefix tests/timescaledb --no-audit --no-fund
npm test --prefix tests/timescaledb
