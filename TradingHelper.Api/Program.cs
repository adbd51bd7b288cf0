using TradingHelper.Api.Brokers;
using TradingHelper.Api.Chart;
using TradingHelper.Api.Extensions;
using TradingHelper.Api.Gaps;
using TradingHelper.Api.Historical;
using TradingHelper.Api.Instruments;
using TradingHelper.Api.Market;
using TradingHelper.Api.OptionChain;
using TradingHelper.Api.Quotes;
using TradingHelper.Api.Streaming;
using TradingHelper.Api.Subscriptions;

var builder = WebApplication.CreateBuilder(args);

builder.AddServiceDefaults();
builder.AddApplicationServices();

var app = builder.Build();

app.UseApiPipeline();
app.MapDefaultEndpoints();
app.MapKiteLoginApi();
app.MapFyersLoginApi();
app.MapApiDocs();
app.MapInstrumentsApi();
app.MapSubscriptionsApi();
app.MapHistoricalApi();
app.MapGapsApi();
app.MapMarketApi();
app.MapQuotesApi();
app.MapOptionChainApi();
app.MapChartPage();
app.MapTickStreamApi();

app.Run();
