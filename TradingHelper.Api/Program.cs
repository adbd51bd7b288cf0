using TradingHelper.Api.Extensions;
using TradingHelper.Api.Instruments;
using TradingHelper.Api.Streaming;

var builder = WebApplication.CreateBuilder(args);

builder.AddServiceDefaults();
builder.AddApplicationServices();

var app = builder.Build();

app.UseApiPipeline();
app.MapDefaultEndpoints();
app.MapApiDocs();
app.MapInstrumentsApi();
app.MapTickStreamApi();

app.Run();
