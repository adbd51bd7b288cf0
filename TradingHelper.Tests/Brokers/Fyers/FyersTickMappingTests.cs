using TradingHelper.Core.Brokers.Fyers;
using TradingHelper.Ingestor.Brokers.Fyers;
using static TradingHelper.Tests.Brokers.Fyers.FyersTestVectors;

namespace TradingHelper.Tests.Brokers.Fyers;

/// <summary>The spec's §7 vectors, decoded and mapped to stored ticks by subscription mode: ltp, quote, and full with the depth record's level 1.</summary>
public sealed class FyersTickMappingTests
{
    private static readonly DateTimeOffset ReceivedAt = new(2025, 6, 13, 10, 0, 0, TimeSpan.Zero);

    [Fact]
    public void An_ltp_tick_is_the_last_price_alone_even_from_a_full_snapshot()
    {
        var (decoder, snapshot) = Decoded(ScripSnapshot);
        var lite = Quotes(decoder, LiteTick)[0];

        Assert.True(FyersTickMapping.TryToTick(in snapshot, 7, FyersTopicRole.Ltp, null, ReceivedAt, out var first));
        Assert.True(FyersTickMapping.TryToTick(in lite, 7, FyersTopicRole.Ltp, null, ReceivedAt, out var tick));

        Assert.Equal((1068.45m, 0L, 0L, (decimal?)null, (DateTimeOffset?)null), (first.LastPrice, first.Volume, first.OpenInterest, first.BidPrice, first.ExchangeTime));
        Assert.Equal(1068.60m, tick.LastPrice);
        Assert.Equal((0L, 0m, (decimal?)null, (decimal?)null), (tick.Volume, tick.AveragePrice, tick.BidPrice, tick.AskPrice));
        Assert.Equal(ReceivedAt, tick.Time);
    }

    [Fact]
    public void A_quote_tick_has_the_days_figures_but_no_book()
    {
        var (_, snapshot) = Decoded(ScripSnapshot);

        Assert.True(FyersTickMapping.TryToTick(in snapshot, 7, FyersTopicRole.Quote, new FyersBestQuote(1m, 1, 2m, 1), ReceivedAt, out var tick));

        Assert.Equal((1068.45m, 12_345_678L, 25L, 1070.12m), (tick.LastPrice, tick.Volume, tick.LastQuantity, tick.AveragePrice));
        Assert.Equal(DateTimeOffset.FromUnixTimeSeconds(1749808799), tick.ExchangeTime);
        Assert.Null(tick.BidPrice);
        Assert.Null(tick.AskQuantity);
    }

    [Fact]
    public void A_full_tick_carries_level_one_of_the_depth_record_and_the_depth_record_stores_no_row()
    {
        var decoder = Authenticated();
        Quotes(decoder, ScripSnapshot);
        var records = Quotes(decoder, MultiRecord);
        var depth = records[0];
        var book = FyersBestQuote.From(in depth);
        var patchedBook = FyersBestQuote.From(records[2]);

        Assert.False(FyersTickMapping.TryToTick(in depth, 7, FyersTopicRole.Depth, null, ReceivedAt, out _));
        Assert.True(FyersTickMapping.TryToTick(records[1], 7, FyersTopicRole.Full, book, ReceivedAt, out var tick));

        Assert.Equal(new FyersBestQuote(1068.45m, 100, 1068.50m, 150), book);
        Assert.Equal(new FyersBestQuote(1068.45m, 120, 1068.50m, 150), patchedBook);
        Assert.Equal((1068.60m, 1068.45m, 100L, 1068.50m, 150L), (tick.LastPrice, tick.BidPrice, tick.BidQuantity, tick.AskPrice, tick.AskQuantity));
    }

    [Fact]
    public void A_full_index_tick_has_no_book()
    {
        var (_, index) = Decoded(IndexSnapshot);

        Assert.True(FyersTickMapping.TryToTick(in index, 9, FyersTopicRole.Full, null, ReceivedAt, out var tick));

        Assert.Equal(24810.35m, tick.LastPrice);
        Assert.Null(tick.BidPrice);
    }

    [Fact]
    public void An_empty_side_of_the_book_is_no_price_rather_than_a_price_of_zero()
    {
        var values = new int[30];
        values[0] = 106845;
        values[10] = 100;
        var buffer = new byte[512];
        var writer = new FyersDataFrameWriter(buffer, 1);
        Assert.True(writer.TryAppendSnapshot(8, "dp|nse_cm|3045", values, 1, 2, "NSE", "3045", "SBIN-EQ"));
        var frame = buffer[..writer.Length];

        var (_, depth) = Decoded(frame);

        Assert.Equal(new FyersBestQuote(1068.45m, 100, null, null), FyersBestQuote.From(in depth));
    }

    private static FyersFeedDecoder Authenticated()
    {
        var decoder = new FyersFeedDecoder();
        decoder.Read(AuthOk);
        return decoder;
    }

    private static (FyersFeedDecoder Decoder, FyersQuote Quote) Decoded(byte[] frame)
    {
        var decoder = Authenticated();
        return (decoder, Quotes(decoder, frame)[0]);
    }

    private static List<FyersQuote> Quotes(FyersFeedDecoder decoder, byte[] frame)
    {
        var reader = decoder.Read(frame);
        var quotes = new List<FyersQuote>();
        while (reader.TryReadNext(out var quote))
        {
            quotes.Add(quote);
        }
        return quotes;
    }
}
