namespace ChatRoom.Server.Telemetry;

/// <summary>
/// This server process's id: its host name and a random suffix, new at every start, so that a restarted server is
/// never taken for the one it replaces. The backplane knows the server by it, and telemetry carries it as the resource
/// attribute <c>chatroom.server.id</c>.
/// </summary>
public sealed class ServerIdentity
{
    public const string AttributeName = "chatroom.server.id";

    // The suffix comes from Guid.NewGuid, which the runtime draws from the OS's random source: RandomNumberGenerator would
    // load OpenSSL's libcrypto into every server, TLS or not.
    public string Id { get; } = $"{Environment.MachineName.ToLowerInvariant()}-{Guid.NewGuid().ToString("N")[..8]}";
}
