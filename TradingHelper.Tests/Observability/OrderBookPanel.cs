using System.Globalization;
using Npgsql;

namespace TradingHelper.Tests.Observability;

/// <summary>The order-book dashboard's "Best bid and ask" panel, expanded as Grafana expands it and run against a real database.</summary>
internal static class OrderBookPanel
{
    /// <summary>Buckets of the last ten minutes in which the panel shows a best bid below a best ask for the instrument; throws if it shows a crossed book.</summary>
    public static async Task<int> BooksShownAsync(NpgsqlDataSource dataSource, int instrumentId, CancellationToken ct)
    {
        var panel = GrafanaDashboard.LoadAll().Single(d => d.File == "order-book.json").SqlQueries().Single(q => q.Where == "Best bid and ask");
        var now = DateTimeOffset.UtcNow;
        var sql = GrafanaTemplate.ExpandSqlMacros(
            GrafanaTemplate.InterpolateSqlVariables(panel.RawSql,
                new Dictionary<string, VariableValue> { ["instrument"] = VariableValue.Single(instrumentId.ToString(CultureInfo.InvariantCulture)) }),
            now.AddMinutes(-10), now.AddMinutes(1), TimeSpan.FromSeconds(1), timescaleDb: false);
        await using var command = dataSource.CreateCommand(sql);
        await using var reader = await command.ExecuteReaderAsync(ct);
        var (bid, ask) = (reader.GetOrdinal("Best bid"), reader.GetOrdinal("Best ask"));
        var books = 0;
        while (await reader.ReadAsync(ct))
        {
            if (reader.IsDBNull(bid) || reader.IsDBNull(ask))
            {
                continue;
            }
            Assert.True(reader.GetDecimal(bid) < reader.GetDecimal(ask), $"crossed book: {reader.GetDecimal(bid)} / {reader.GetDecimal(ask)}");
            books++;
        }
        return books;
    }
}
