using System.Net;
using System.Net.Sockets;

namespace TradingHelper.Tests.Infrastructure;

/// <summary>Asks the kernel for a loopback port nobody is listening on.</summary>
internal static class FreePort
{
    public static int Next()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
