using System.Net;
using System.Net.Sockets;

namespace ChatRoom.LoadGen.Targets;

/// <summary>A loopback TCP port nobody listens on right now, for the server about to start.</summary>
public static class FreePort
{
    public static int Next()
    {
        using var probe = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        probe.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        return ((IPEndPoint)probe.LocalEndPoint!).Port;
    }
}
