using TradingHelper.Core.Market;

namespace TradingHelper.Tests.Storage.Ticks;

/// <summary>NIFTY-like ticks whose cumulative volume is their sequence number, so every tick is recognisable in tick_data.</summary>
internal static class TestTicks
{
    private static readonly DateTimeOffset SessionOpen = new(2026, 11, 24, 9, 15, 0, TimeSpan.FromMinutes(330));

    public static Tick Make(long sequence, int instruments = 50)
    {
        var receivedAt = SessionOpen.AddMilliseconds(sequence).ToUniversalTime();
        var lastPrice = 24_000m + (sequence % 2_000 * 0.05m);
        return new Tick
        {
            InstrumentId = InstrumentOf(sequence, instruments),
            LastPrice = lastPrice,
            AveragePrice = 23_987.35m,
            LastQuantity = 75,
            Volume = sequence,
            OpenInterest = 10_000_000 + sequence,
            BidPrice = sequence % 2 == 0 ? lastPrice - 0.05m : null,
            BidQuantity = sequence % 2 == 0 ? 150 : null,
            AskPrice = sequence % 2 == 0 ? lastPrice + 0.05m : null,
            AskQuantity = sequence % 2 == 0 ? 225 : null,
            ExchangeTime = sequence % 3 == 0 ? null : receivedAt.AddMilliseconds(-3).ToOffset(SessionOpen.Offset),
            ReceivedAt = receivedAt,
        };
    }

    public static int InstrumentOf(long sequence, int instruments = 50) => (int)(sequence % instruments) + 1;
}
