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
# The Ingestor ships as a Native AOT executable, which the tests above (JIT) do not run: publish it and run it end to
# end in the load harness, from the simulator's Kite ticker (1,000 instruments at 5k ticks/s) and from its Fyers data
# socket (188 instruments, quote mode), with real PostgreSQL and Redis and the subscribe-time history backfill; each
# run fails unless tick_data holds every tick the simulator sent, exactly once. The first prints the memory figure.
dotnet publish TradingHelper.Ingestor -c Release -r linux-x64 -o artifacts/ingestor
dotnet build TradingHelper.sln -c Release
dotnet TradingHelper.LoadTest/bin/Release/net10.0/TradingHelper.LoadTest.dll memory --duration 30 --check-stored \
  --ingestor-executable artifacts/ingestor/TradingHelper.Ingestor
dotnet TradingHelper.LoadTest/bin/Release/net10.0/TradingHelper.LoadTest.dll ingest --broker fyers --mode quote --rate 5000 \
  --duration 20 --ceiling-seconds 0 --check-stored --ingestor-executable artifacts/ingestor/TradingHelper.Ingestor
[ -d tests/timescaledb/node_modules ] || npm ci --prefix tests/timescaledb --no-audit --no-fund
npm test --prefix tests/timescaledb
