#!/usr/bin/env bash
# The test command: every .NET test against real PostgreSQL and Redis started by the tests themselves.
set -euo pipefail
cd "$(dirname "$0")"
dotnet test TradingHelper.sln --logger "console;verbosity=normal"
