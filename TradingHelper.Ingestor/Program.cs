using TradingHelper.Ingestor.Extensions;

// A web host rather than a bare worker, so the Ingestor can serve /health and /metrics.
var builder = WebApplication.CreateBuilder(args);

builder.AddServiceDefaults();
builder.AddApplicationServices();

var app = builder.Build();

app.MapDefaultEndpoints();

app.Run();
