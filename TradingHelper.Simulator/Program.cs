using TradingHelper.Simulator.Extensions;

var builder = WebApplication.CreateBuilder(args);

builder.AddServiceDefaults();
builder.AddSimulatorServices();

var app = builder.Build();

app.MapDefaultEndpoints();
app.MapSimulator();

app.Run();
