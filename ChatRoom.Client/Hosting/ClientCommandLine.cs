using System.CommandLine;
using System.CommandLine.Parsing;
using System.Globalization;
using ChatRoom.Client.Modes;

namespace ChatRoom.Client.Hosting;

/// <summary>The client's command line: its options, their validation, and the action that runs the client.</summary>
public static class ClientCommandLine
{
    public static RootCommand Create()
    {
        var host = new Option<string?>("--host")
        {
            Description = "Server host name or address [default: Chat:Host, the Aspire reference, or 127.0.0.1]",
            HelpName = "host",
        };
        var port = new Option<int?>("--port")
        {
            Description = "Server chat port [default: Chat:Port, the Aspire reference, or 55555]",
            HelpName = "port",
        };
        port.Validators.Add(result =>
        {
            if (result.GetValueOrDefault<int?>() is < 1 or > 65535)
            {
                result.AddError("--port must be between 1 and 65535");
            }
        });
        var nick = new Option<string?>("--nick")
        {
            Description = "Nickname to join with [default: asked on a terminal; the first input line when piped]",
            HelpName = "nickname",
        };
        var simulate = new Option<bool>("--simulate")
        {
            Description = "Run as a bot for load and demos: joins as <prefix>-NNNN, talks every --interval, reconnects with backoff",
        };
        var interval = new Option<TimeSpan>("--interval")
        {
            Description = "With --simulate: mean time between two messages (±20% jitter), e.g. 250ms, 2s, 1m",
            HelpName = "duration",
            DefaultValueFactory = _ => TimeSpan.FromSeconds(1),
            CustomParser = ParseInterval,
        };
        var nickPrefix = new Option<string>("--nick-prefix")
        {
            Description = "With --simulate: nickname prefix",
            HelpName = "prefix",
            DefaultValueFactory = _ => "sim",
        };

        var tls = new Option<bool>("--tls")
        {
            Description = "Connect with TLS (the server's Chat:Tls endpoint)",
        };
        var tlsTrust = new Option<FileInfo>("--tls-trust")
        {
            Description = "With --tls: also trust this certificate (PEM or DER), e.g. an exported development certificate",
            HelpName = "file",
        };
        tlsTrust.AcceptExistingOnly();

        var root = new RootCommand(
            "ChatRoom console client. On a terminal it is interactive; with standard input redirected it sends each input " +
            "line and prints what arrives; with --simulate it is a bot.")
        {
            host, port, nick, simulate, interval, nickPrefix, tls, tlsTrust,
        };
        root.Validators.Add(result =>
        {
            if (result.GetValue(tlsTrust) is not null && !result.GetValue(tls))
            {
                result.AddError("--tls-trust needs --tls");
            }
        });
        root.SetAction((parse, cancellationToken) => ClientApp.RunAsync(
            new ClientSettings(
                parse.GetValue(host),
                parse.GetValue(port),
                parse.GetValue(nick),
                parse.GetValue(simulate),
                parse.GetValue(interval),
                parse.GetRequiredValue(nickPrefix),
                parse.GetValue(tls),
                parse.GetValue(tlsTrust)?.FullName),
            cancellationToken));
        return root;
    }

    private static TimeSpan ParseInterval(ArgumentResult result)
    {
        var text = result.Tokens.Count == 1 ? result.Tokens[0].Value : string.Empty;
        if (TryParseDuration(text, out var duration) && duration > TimeSpan.Zero)
        {
            return duration;
        }

        result.AddError($"--interval: '{text}' is not a positive duration such as 500ms, 2s, 1.5m or 00:00:02");
        return default;
    }

    /// <summary>A number with a unit (<c>ms</c>, <c>s</c>, <c>m</c>, <c>h</c>), or a TimeSpan such as <c>00:00:02</c>.</summary>
    private static bool TryParseDuration(string text, out TimeSpan duration)
    {
        (string Suffix, double Milliseconds)[] units = [("ms", 1), ("s", 1000), ("m", 60_000), ("h", 3_600_000)];
        foreach (var (suffix, milliseconds) in units)
        {
            if (text.EndsWith(suffix, StringComparison.OrdinalIgnoreCase)
                && double.TryParse(text.AsSpan(0, text.Length - suffix.Length), NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out var value))
            {
                duration = TimeSpan.FromMilliseconds(value * milliseconds);
                return true;
            }
        }

        duration = default;
        return text.Contains(':', StringComparison.Ordinal) && TimeSpan.TryParse(text, CultureInfo.InvariantCulture, out duration);
    }
}
