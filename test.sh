#!/usr/bin/env bash
# The test command: every .NET test against real servers the tests start themselves (PostgreSQL, Redis, Prometheus,
# Chromium, and the whole AppHost under Aspire's testing builder and `dotnet run`), then the TimescaleDB conformance
# suite (TimescaleDB compiled to WebAssembly, pinned by package-lock.json). The two .NET test projects run one after
# the other: each starts whole stacks of processes, and on two cores they would starve each other.
set -euo pipefail
cd "$(dirname "$0")"
dotnet build TradingHelper.sln
dotnet test TradingHelper.Tests --no-build --logger "console;verbosity=normal"
dotnet test TradingHelper.AppHost.Tests --no-build --logger "console;verbosity=normal"
[ -d tests/timescaledb/node_modules ] || npm ci --prefix tests/timescaledb --no-audit --no-fund
npm test --prefix tests/timescaledb
