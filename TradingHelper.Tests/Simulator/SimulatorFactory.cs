extern alias simulator;

using System.Net.WebSockets;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;

namespace TradingHelper.Tests.Simulator;

/// <summary>Hosts the market simulator in memory, or on a real loopback port after <see cref="StartOnLoopback"/>.</summary>
/// <param name="settings">Configuration on top of the test credentials.</param>
/// <param name="clock">The market's clock, when the test sets the time of day; the system clock otherwise.</param>
public sealed class SimulatorFactory(IReadOnlyDictionary<string, string?>? settings = null, TimeProvider? clock = null) : WebApplicationFactory<simulator::Program>
{
    public const string ApiKey = "test_api_key";
    public const string ApiSecret = "test_api_secret";
    public const string AccessToken = "test_access_token";

    public const string Authorization = $"token {ApiKey}:{AccessToken}";

    /// <summary>Serves over Kestrel on 127.0.0.1 and an OS-chosen port; returns the base address.</summary>
    public Uri StartOnLoopback()
    {
        UseKestrel(options => options.Listen(System.Net.IPAddress.Loopback, 0));
        StartServer();
        var addresses = Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses;
        return new Uri(addresses.First());
    }

    /// <summary>Opens an in-memory ticker socket, by default with the configured credentials.</summary>
    public async Task<TickerClient> ConnectTickerAsync(CancellationToken cancellationToken, string? accessToken = AccessToken, string path = "/")
    {
        var socket = await Server.CreateWebSocketClient()
            .ConnectAsync(new Uri($"ws://localhost{path}?api_key={ApiKey}&access_token={accessToken}"), cancellationToken);
        return new TickerClient(socket);
    }

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        builder.UseEnvironment("Testing");
        builder.UseSetting("Simulator:ApiKey", ApiKey);
        builder.UseSetting("Simulator:ApiSecret", ApiSecret);
        builder.UseSetting("Simulator:StaticAccessToken", AccessToken);
        builder.UseSetting("Simulator:HeartbeatInterval", "00:00:00.300");
        foreach (var (key, value) in settings ?? new Dictionary<string, string?>())
        {
            builder.UseSetting(key, value);
        }
        if (clock is not null)
        {
            builder.ConfigureTestServices(services => services.AddSingleton(clock));
        }
    }
}
