namespace ChatRoom.Client.Modes;

/// <summary>What the command line asked for.</summary>
/// <param name="Host">Server host name or address, or null to take it from configuration.</param>
/// <param name="Port">Server chat port, or null to take it from configuration.</param>
/// <param name="Nick">Nickname to join with, or null to ask (terminal) or read the first input line (pipe).</param>
/// <param name="Simulate">Run as a bot instead of a person's client.</param>
/// <param name="Interval">Mean time between two messages of a bot.</param>
/// <param name="NickPrefix">A bot's nickname prefix: it joins as <c>prefix-NNNN</c>.</param>
/// <param name="Tls">Connect with TLS, to the server's TLS chat endpoint.</param>
/// <param name="TlsTrust">A PEM or DER certificate to trust as the server's (or its issuer), e.g. an exported development certificate.</param>
public sealed record ClientSettings(
    string? Host, int? Port, string? Nick, bool Simulate, TimeSpan Interval, string NickPrefix, bool Tls = false, string? TlsTrust = null);
