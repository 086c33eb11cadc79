using System.Net.Sockets;
using System.Text;
using System.Text.Json;
using ChatRoom.Protocol.Events;

namespace ChatRoom.AppHost.Tests;

/// <summary>
/// A test's chat connection to the server through the address Aspire gives for the <c>tcp</c> endpoint (the DCP
/// proxy). Reads lines; in structured mode decodes them as <see cref="ChatEvent"/>.
/// </summary>
public sealed class ChatConnection : IDisposable
{
    private static readonly TimeSpan AttemptTimeout = TimeSpan.FromSeconds(5);
    private static readonly TimeSpan RetryDelay = TimeSpan.FromSeconds(1);
    private const int MaxAttempts = 15;

    private readonly TcpClient _client;
    private readonly StreamReader _reader;
    private readonly StreamWriter _writer;
    private Task<string?>? _pendingRead;

    private ChatConnection(TcpClient client)
    {
        _client = client;
        var stream = client.GetStream();
        _reader = new StreamReader(stream, new UTF8Encoding(encoderShouldEmitUTF8Identifier: false));
        _writer = new StreamWriter(stream, new UTF8Encoding(encoderShouldEmitUTF8Identifier: false)) { NewLine = "\n", AutoFlush = true };
    }

    /// <summary>
    /// Connects and reads the server's <c>NICK</c> prompt. The DCP proxy accepts a connection before it has dialled
    /// the server, and closes it if that fails, so "connected, then closed at once" is retried a bounded number of
    /// times.
    /// </summary>
    public static async Task<ChatConnection> ConnectAsync(Uri endpoint, CancellationToken ct)
    {
        var failures = new List<string>();
        for (var attempt = 1; attempt <= MaxAttempts; attempt++)
        {
            var client = new TcpClient { NoDelay = true };
            try
            {
                using var attemptTimeout = CancellationTokenSource.CreateLinkedTokenSource(ct);
                attemptTimeout.CancelAfter(AttemptTimeout);

                // By host name, so every address of "localhost" is tried: the proxy may listen on 127.0.0.1 only.
                await client.ConnectAsync(endpoint.Host, endpoint.Port, attemptTimeout.Token);
                var connection = new ChatConnection(client);
                var first = await connection._reader.ReadLineAsync(attemptTimeout.Token);
                if (first == "NICK")
                {
                    return connection;
                }

                failures.Add($"attempt {attempt}: first line {(first is null ? "(closed)" : $"'{first}'")}");
                connection.Dispose();
            }
            catch (Exception e) when (e is SocketException or IOException || (e is OperationCanceledException && !ct.IsCancellationRequested))
            {
                failures.Add($"attempt {attempt}: {e.GetType().Name}: {e.Message}");
                client.Dispose();
            }

            await Task.Delay(RetryDelay, ct);
        }

        throw new InvalidOperationException($"No NICK prompt from {endpoint}: {string.Join("; ", failures)}");
    }

    /// <summary>Connects, switches to structured (JSON) events and joins as <paramref name="nick"/>.</summary>
    public static async Task<ChatConnection> JoinAsync(Uri endpoint, string nick, TimeSpan eventTimeout, CancellationToken ct)
    {
        var chat = await ConnectAsync(endpoint, ct);
        try
        {
            await chat.SendAsync("/json");
            await chat.ExpectEventAsync(e => e is { Kind: ChatEventKind.System, Code: "json" }, "the /json answer", eventTimeout, ct);
            await chat.ExpectEventAsync(e => e.Kind == ChatEventKind.Nick, "the structured NICK prompt", eventTimeout, ct);
            await chat.SendAsync(nick);
            await chat.ExpectEventAsync(e => e.Kind == ChatEventKind.Join && e.From == nick, $"the join of {nick}", eventTimeout, ct);
            return chat;
        }
        catch
        {
            chat.Dispose();
            throw;
        }
    }

    public Task SendAsync(string line) => _writer.WriteLineAsync(line);

    /// <summary>
    /// The next line, or null if none arrives within <paramref name="wait"/>; fails if the server closed. Pass the
    /// same <paramref name="ct"/> (the test's) to every call.
    /// </summary>
    public async Task<string?> ReadLineAsync(TimeSpan wait, CancellationToken ct)
    {
        // A read that timed out is kept and awaited next time, so no line is ever lost between two calls.
        _pendingRead ??= _reader.ReadLineAsync(ct).AsTask();
        var done = await Task.WhenAny(_pendingRead, Task.Delay(wait, ct));
        if (done != _pendingRead)
        {
            ct.ThrowIfCancellationRequested();
            return null;
        }

        var line = await _pendingRead;
        _pendingRead = null;
        return line ?? throw new InvalidOperationException("The server closed the connection.");
    }

    /// <summary>The next structured event, or null if none arrives within <paramref name="wait"/>.</summary>
    public async Task<ChatEvent?> ReadEventAsync(TimeSpan wait, CancellationToken ct)
    {
        var line = await ReadLineAsync(wait, ct);
        return line is null ? null : JsonSerializer.Deserialize(line, ChatJsonContext.Default.ChatEvent);
    }

    /// <summary>Reads events until one matches; fails with what was read if none does within <paramref name="wait"/>.</summary>
    public async Task<ChatEvent> ExpectEventAsync(Func<ChatEvent, bool> match, string what, TimeSpan wait, CancellationToken ct)
    {
        var seen = new List<string>();
        var deadline = DateTime.UtcNow + wait;
        while (true)
        {
            var left = deadline - DateTime.UtcNow;
            var next = left > TimeSpan.Zero ? await ReadEventAsync(left, ct) : null;
            if (next is null)
            {
                throw new InvalidOperationException($"Expected {what} within {wait.TotalSeconds} s; got: {string.Join(" | ", seen)}");
            }

            if (match(next))
            {
                return next;
            }

            seen.Add(Describe(next));
        }
    }

    public static string Describe(ChatEvent e) => $"{e.Kind} from={e.From} code={e.Code} text={e.Text}";

    public void Dispose()
    {
        _reader.Dispose();
        _writer.Dispose();
        _client.Dispose();
    }
}
