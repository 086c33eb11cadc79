using System.Buffers;
using System.Globalization;
using System.IO.Pipelines;
using System.Net;
using System.Net.Security;
using System.Net.Sockets;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using System.Text.Json;
using System.Threading.Channels;
using ChatRoom.Protocol.Events;

namespace ChatRoom.Tests.Harness;

/// <summary>
/// A chat client over a real socket, as a test sees it: the one line-protocol client of every test project, for a
/// server in the test's process, in a child process, in a container or behind Aspire's proxy. A background pump
/// splits what arrives into lines on LF alone (so a stray CR stays visible) and decodes them as strict UTF-8; every
/// wait for a line is bounded and fails the test with the client's transcript.
/// </summary>
public sealed class TestChatClient : IDisposable, IAsyncDisposable
{
    /// <summary>How long any single expected line may take.</summary>
    public static readonly TimeSpan DefaultTimeout = TimeSpan.FromSeconds(5);

    /// <summary>How long a client must stay silent to count as having received nothing.</summary>
    public static readonly TimeSpan QuietPeriod = TimeSpan.FromMilliseconds(300);

    private const int TranscriptLength = 30;

    // A proxy that accepts before it has reached the server (Aspire's) is tried again this often.
    private static readonly TimeSpan ProxyRetryDelay = TimeSpan.FromSeconds(1);

    private static readonly UTF8Encoding StrictUtf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    private static readonly HashSet<string> EventFields =
        ["kind", "id", "time", "room", "from", "to", "nick", "text", "code", "users", "part", "parts", "traceparent", "tracestate", "history"];

    private readonly Socket _socket;
    private readonly Stream _stream;
    private readonly Channel<string> _lines = Channel.CreateUnbounded<string>(new UnboundedChannelOptions { SingleReader = true, SingleWriter = true });
    private readonly Queue<string> _transcript = new();
    private readonly CancellationTokenSource _stop = new();
    private string _closedHow = "still open";
    private int _pingCount;
    private int _disposed;

    private TestChatClient(Socket socket, Stream stream, string label)
    {
        _socket = socket;
        _stream = stream;
        Label = label;
        _ = PumpAsync();
    }

    /// <summary>Names this client in failure messages.</summary>
    public string Label { get; }

    public static Task<TestChatClient> ConnectAsync(int port, string label) =>
        ConnectAsync(new IPEndPoint(IPAddress.Loopback, port), label, tls: null);

    /// <summary>Connects to <paramref name="host"/> by name, trying each of its addresses: a container's published port.</summary>
    public static Task<TestChatClient> ConnectAsync(string host, int port, string label) =>
        ConnectAsync(new DnsEndPoint(host, port), label, tls: null);

    /// <summary>Connects to <paramref name="host"/> and joins as <paramref name="nickname"/> (<see cref="JoinAsync(string)"/>).</summary>
    public static async Task<TestChatClient> ConnectAndJoinAsync(string host, int port, string nickname)
    {
        var client = await ConnectAsync(host, port, nickname);
        try
        {
            await client.JoinAsync(nickname);
            return client;
        }
        catch
        {
            client.Dispose();
            throw;
        }
    }

    /// <summary>
    /// Connects through a proxy that accepts a connection before it has reached the server and closes it when it
    /// cannot (Aspire's, while the server starts): tried again until the server's <c>NICK</c> arrives, which is left
    /// for the caller to read, within <paramref name="within"/>.
    /// </summary>
    public static async Task<TestChatClient> ConnectThroughProxyAsync(Uri endpoint, string label, TimeSpan within)
    {
        var failures = new List<string>();
        var deadline = DateTime.UtcNow + within;
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                var client = await ConnectAsync(endpoint.Host, endpoint.Port, label);
                var first = await client.PeekLineAsync(DefaultTimeout);
                if (first == "NICK")
                {
                    return client;
                }

                failures.Add($"attempt {attempt}: first line {(first is null ? $"none ({client._closedHow})" : Quote(first))}");
                client.Dispose();
            }
            catch (Exception e) when (e is SocketException or IOException or OperationCanceledException)
            {
                failures.Add($"attempt {attempt}: {e.GetType().Name}: {e.Message}");
            }

            if (DateTime.UtcNow + ProxyRetryDelay > deadline)
            {
                Assert.Fail($"{label}: no NICK prompt from {endpoint} within {within.TotalSeconds} s: {string.Join("; ", failures)}");
            }

            await Task.Delay(ProxyRetryDelay);
        }
    }

    /// <summary>Connects over TLS, trusting exactly <paramref name="serverCertificate"/> for the name "localhost".</summary>
    public static Task<TestChatClient> ConnectTlsAsync(int port, string label, X509Certificate2 serverCertificate) =>
        ConnectAsync(new IPEndPoint(IPAddress.Loopback, port), label, new SslClientAuthenticationOptions
        {
            TargetHost = "localhost",
            RemoteCertificateValidationCallback = (_, certificate, _, _) =>
                certificate is not null && certificate.GetCertHash().AsSpan().SequenceEqual(serverCertificate.GetCertHash()),
        });

    private static async Task<TestChatClient> ConnectAsync(EndPoint server, string label, SslClientAuthenticationOptions? tls)
    {
        // A host name may stand for IPv6 and IPv4 addresses: a dual-mode socket tries each.
        var socket = server is IPEndPoint address
            ? new Socket(address.AddressFamily, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true }
            : new Socket(SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        try
        {
            using var timeout = new CancellationTokenSource(DefaultTimeout);
            await socket.ConnectAsync(server, timeout.Token);
            Stream stream = new NetworkStream(socket, ownsSocket: true);
            if (tls is not null)
            {
                var secure = new SslStream(stream);
                await secure.AuthenticateAsClientAsync(tls, timeout.Token);
                stream = secure;
            }

            return new TestChatClient(socket, stream, label);
        }
        catch
        {
            socket.Dispose();
            throw;
        }
    }

    /// <summary>
    /// The handshake: <c>NICK</c>, the nickname, the welcome, the room's history if it has any (returned), and this
    /// client's own join line.
    /// </summary>
    public async Task<List<string>> JoinAsync(string nickname)
    {
        await ExpectLineAsync("NICK");
        await SendLineAsync(nickname);
        await ExpectLineAsync("Connected to the server!");
        var history = await ReadUntilAsync($"{nickname} joined the chat!");
        foreach (var line in history)
        {
            Assert.True(line.StartsWith(PlainText.HistoryPrefix, StringComparison.Ordinal),
                $"{Label}: expected history or its own join line, got {Quote(line)}.{Transcript()}");
        }

        return history;
    }

    /// <summary>
    /// The handshake in structured mode: <c>/json</c> before the nickname, then the nickname.
    /// Returns this client's own join event.
    /// </summary>
    public async Task<ChatEvent> JoinStructuredAsync(string nickname)
    {
        await ExpectLineAsync("NICK");
        await SwitchToStructuredAsync();
        var prompt = await ExpectEventAsync(ChatEventKind.Nick);
        Assert.Equal("NICK", prompt.Text);
        await SendLineAsync(nickname);
        var welcome = await ExpectEventAsync(ChatEventKind.System);
        Assert.Equal(("welcome", "Connected to the server!"), (welcome.Code, welcome.Text));
        var join = await ReadEventAsync();
        while (join.History == true)
        {
            join = await ReadEventAsync();
        }

        Assert.Equal((ChatEventKind.Join, nickname), (join.Kind, join.From));
        return join;
    }

    /// <summary>Sends <c>/json</c> and checks the answer.</summary>
    public async Task SwitchToStructuredAsync()
    {
        await SendLineAsync("/json");
        var answer = await ExpectEventAsync(ChatEventKind.System);
        Assert.Equal("json", answer.Code);
    }

    public Task SendLineAsync(string text) => SendRawAsync(Encoding.UTF8.GetBytes(text + "\n"));

    public async Task SendRawAsync(ReadOnlyMemory<byte> bytes)
    {
        Record("> " + Describe(bytes.Span));
        using var timeout = new CancellationTokenSource(DefaultTimeout);
        try
        {
            await _stream.WriteAsync(bytes, timeout.Token);
        }
        catch (OperationCanceledException)
        {
            Assert.Fail($"{Label}: could not send {bytes.Length} bytes within {DefaultTimeout.TotalSeconds} s.{Transcript()}");
        }
    }

    /// <summary>Sends a JSON envelope (structured input).</summary>
    public Task SendEnvelopeAsync(ClientEnvelope envelope) =>
        SendLineAsync(JsonSerializer.Serialize(envelope, ChatJsonContext.Default.ClientEnvelope));

    /// <summary>The next line, without its LF; fails the test if none arrives in time or the connection closes.</summary>
    public async Task<string> ReadLineAsync(TimeSpan? timeout = null)
    {
        var limit = timeout ?? DefaultTimeout;
        using var cancel = new CancellationTokenSource(limit);
        try
        {
            if (await _lines.Reader.WaitToReadAsync(cancel.Token) && _lines.Reader.TryRead(out var line))
            {
                return line;
            }
        }
        catch (OperationCanceledException)
        {
            Assert.Fail($"{Label}: no line arrived within {limit.TotalSeconds} s.{Transcript()}");
        }
        catch (InvalidDataException ex)
        {
            Assert.Fail($"{Label}: the server broke the framing: {ex.Message}{Transcript()}");
        }

        Assert.Fail($"{Label}: expected a line, but the connection was closed ({_closedHow}).{Transcript()}");
        return string.Empty;
    }

    public async Task<string[]> ReadLinesAsync(int count)
    {
        var lines = new string[count];
        for (var i = 0; i < count; i++)
        {
            lines[i] = await ReadLineAsync();
        }

        return lines;
    }

    /// <summary>Reads lines until <paramref name="last"/> arrives (each within the usual bound); returns the ones before it.</summary>
    public async Task<List<string>> ReadUntilAsync(string last)
    {
        var lines = new List<string>();
        for (var line = await ReadLineAsync(); line != last; line = await ReadLineAsync())
        {
            lines.Add(line);
        }

        return lines;
    }

    /// <summary>
    /// Reads, within one deadline, until a line matches <paramref name="match"/> (<paramref name="what"/> names it in the
    /// failure); returns the lines before it.
    /// </summary>
    public async Task<List<string>> ReadUntilAsync(Func<string, bool> match, string what, TimeSpan? timeout = null) =>
        (await ReadThroughAsync(match, what, timeout)).Before;

    /// <summary>Reads, within one deadline, until a line matches <paramref name="match"/>; returns that line.</summary>
    public async Task<string> WaitForLineAsync(Func<string, bool> match, string what, TimeSpan? timeout = null) =>
        (await ReadThroughAsync(match, what, timeout)).Match;

    /// <summary>The next line, or null when none arrives within <paramref name="wait"/>; fails if the connection closes.</summary>
    public async Task<string?> TryReadLineAsync(TimeSpan wait)
    {
        using var cancel = new CancellationTokenSource(wait);
        try
        {
            if (await _lines.Reader.WaitToReadAsync(cancel.Token) && _lines.Reader.TryRead(out var line))
            {
                return line;
            }
        }
        catch (OperationCanceledException) when (cancel.IsCancellationRequested)
        {
            return null;
        }
        catch (InvalidDataException ex)
        {
            Assert.Fail($"{Label}: the server broke the framing: {ex.Message}{Transcript()}");
        }

        Assert.Fail($"{Label}: expected a line, but the connection was closed ({_closedHow}).{Transcript()}");
        return null;
    }

    /// <summary>Reads until the server closes the connection, within <paramref name="timeout"/>; returns every line before that.</summary>
    public async Task<List<string>> ReadToEndAsync(TimeSpan timeout)
    {
        var lines = new List<string>();
        using var cancel = new CancellationTokenSource(timeout);
        try
        {
            while (await _lines.Reader.WaitToReadAsync(cancel.Token))
            {
                while (_lines.Reader.TryRead(out var line))
                {
                    lines.Add(line);
                }
            }
        }
        catch (OperationCanceledException) when (cancel.IsCancellationRequested)
        {
            Assert.Fail($"{Label}: the connection was still open after {timeout.TotalSeconds} s.{Transcript()}");
        }
        catch (InvalidDataException ex)
        {
            Assert.Fail($"{Label}: the server broke the framing: {ex.Message}{Transcript()}");
        }

        return lines;
    }

    public async Task ExpectLineAsync(string expected, TimeSpan? timeout = null)
    {
        var line = await ReadLineAsync(timeout);
        if (!string.Equals(line, expected, StringComparison.Ordinal))
        {
            Assert.Fail($"{Label}: expected the line {Quote(expected)} but got {Quote(line)}.{Transcript()}");
        }
    }

    public async Task ExpectLinesAsync(params string[] expected)
    {
        foreach (var line in expected)
        {
            await ExpectLineAsync(line);
        }
    }

    /// <summary>Fails if any line arrives (or the connection closes) within <paramref name="duration"/>.</summary>
    public async Task ExpectNoLineWithinAsync(TimeSpan? duration = null)
    {
        using var cancel = new CancellationTokenSource(duration ?? QuietPeriod);
        try
        {
            if (await _lines.Reader.WaitToReadAsync(cancel.Token) && _lines.Reader.TryPeek(out var line))
            {
                Assert.Fail($"{Label}: expected no line, but got {Quote(line)}.{Transcript()}");
            }

            Assert.Fail($"{Label}: expected no line, but the connection was closed ({_closedHow}).{Transcript()}");
        }
        catch (OperationCanceledException) when (cancel.IsCancellationRequested)
        {
            // Silence, as expected.
        }
    }

    /// <summary>
    /// Proves nothing is waiting for this client: a quiet period, then <c>/ping</c>, whose <c>PONG</c> the
    /// server sends only after everything it owed this client before it; the PONG must be the next line.
    /// </summary>
    public async Task ExpectNothingPendingAsync()
    {
        await ExpectNoLineWithinAsync();
        var token = $"sentinel{Interlocked.Increment(ref _pingCount)}";
        await SendLineAsync("/ping " + token);
        await ExpectLineAsync("PONG " + token);
    }

    /// <summary>Waits for the server to close the connection; fails on any further line.</summary>
    public async Task ExpectClosedAsync(TimeSpan? timeout = null)
    {
        var limit = timeout ?? DefaultTimeout;
        using var cancel = new CancellationTokenSource(limit);
        try
        {
            if (await _lines.Reader.WaitToReadAsync(cancel.Token) && _lines.Reader.TryRead(out var line))
            {
                Assert.Fail($"{Label}: expected the connection to close, but got {Quote(line)}.{Transcript()}");
            }
        }
        catch (OperationCanceledException)
        {
            Assert.Fail($"{Label}: the connection was still open after {limit.TotalSeconds} s.{Transcript()}");
        }
        catch (InvalidDataException ex)
        {
            Assert.Fail($"{Label}: the server broke the framing: {ex.Message}{Transcript()}");
        }
    }

    /// <summary>The next line parsed as a structured event; fails unless it is a JSON object as protocol.md describes.</summary>
    public async Task<ChatEvent> ReadEventAsync()
    {
        var line = await ReadLineAsync();
        try
        {
            using (var document = JsonDocument.Parse(line))
            {
                Assert.True(document.RootElement.ValueKind == JsonValueKind.Object, $"{Label}: not a JSON object: {line}");
                foreach (var field in document.RootElement.EnumerateObject())
                {
                    Assert.True(EventFields.Contains(field.Name), $"{Label}: unknown field '{field.Name}' in {line}");
                    Assert.True(field.Value.ValueKind != JsonValueKind.Null, $"{Label}: absent fields must be omitted, not null: {line}");
                }
            }

            return JsonSerializer.Deserialize(line, ChatJsonContext.Default.ChatEvent)
                ?? throw new JsonException("null event");
        }
        catch (JsonException ex)
        {
            Assert.Fail($"{Label}: expected a structured event, got {Quote(line)} ({ex.Message}).{Transcript()}");
            throw;
        }
    }

    public async Task<ChatEvent> ExpectEventAsync(ChatEventKind kind)
    {
        var received = await ReadEventAsync();
        if (received.Kind != kind)
        {
            Assert.Fail($"{Label}: expected a '{kind}' event, got {received}.{Transcript()}");
        }

        return received;
    }

    /// <summary>Reads events, within one deadline, until one matches <paramref name="match"/>; returns it.</summary>
    public async Task<ChatEvent> WaitForEventAsync(Func<ChatEvent, bool> match, string what, TimeSpan? timeout = null)
    {
        var line = await WaitForLineAsync(line => TryParseEvent(line) is { } received && match(received), what, timeout);
        return TryParseEvent(line)!;
    }

    /// <summary>The next structured event, or null when none arrives within <paramref name="wait"/>.</summary>
    public async Task<ChatEvent?> TryReadEventAsync(TimeSpan wait) =>
        await TryReadLineAsync(wait) is { } line ? TryParseEvent(line) : null;

    /// <summary>Ends the connection with a TCP reset, the way a crashed client or a pulled cable does.</summary>
    public void Reset()
    {
        Record("(reset)");
        _stop.Cancel();
        _socket.LingerState = new LingerOption(enable: true, seconds: 0);
        _socket.Close();
    }

    public void Dispose()
    {
        if (Interlocked.Exchange(ref _disposed, 1) == 0)
        {
            _stop.Cancel();
            _stream.Dispose();
        }
    }

    public ValueTask DisposeAsync()
    {
        Dispose();
        return ValueTask.CompletedTask;
    }

    private async Task PumpAsync()
    {
        var reader = PipeReader.Create(_stream, new StreamPipeReaderOptions(leaveOpen: true));
        Exception? broken = null;
        try
        {
            while (true)
            {
                var result = await reader.ReadAsync(_stop.Token);
                var buffer = result.Buffer;
                while (buffer.PositionOf((byte)'\n') is { } end)
                {
                    var line = StrictUtf8.GetString(buffer.Slice(0, end));
                    Record("< " + Quote(line));
                    _lines.Writer.TryWrite(line);
                    buffer = buffer.Slice(buffer.GetPosition(1, end));
                }

                reader.AdvanceTo(buffer.Start, buffer.End);
                if (result.IsCompleted)
                {
                    _closedHow = "end of stream";
                    if (!buffer.IsEmpty)
                    {
                        broken = new InvalidDataException($"the connection ended inside a line: {Describe(buffer.ToArray())}");
                    }

                    break;
                }
            }
        }
        catch (DecoderFallbackException ex)
        {
            broken = new InvalidDataException("the server sent a line that is not valid UTF-8: " + ex.Message);
        }
        catch (Exception ex) when (ex is IOException or SocketException or ObjectDisposedException or OperationCanceledException)
        {
            _closedHow = _stop.IsCancellationRequested ? "closed by the test" : "reset: " + ex.Message;
        }
        finally
        {
            _lines.Writer.TryComplete(broken);
            await reader.CompleteAsync();
        }
    }

    private async Task<(List<string> Before, string Match)> ReadThroughAsync(Func<string, bool> match, string what, TimeSpan? timeout)
    {
        var limit = timeout ?? DefaultTimeout;
        var deadline = DateTime.UtcNow + limit;
        var before = new List<string>();
        while (true)
        {
            var left = deadline - DateTime.UtcNow;
            var line = left > TimeSpan.Zero ? await TryReadLineAsync(left) : null;
            if (line is null)
            {
                Assert.Fail($"{Label}: expected {what} within {limit.TotalSeconds} s; it did not come.{Transcript()}");
            }

            if (match(line))
            {
                return (before, line);
            }

            before.Add(line);
        }
    }

    private static ChatEvent? TryParseEvent(string line)
    {
        try
        {
            return JsonSerializer.Deserialize(line, ChatJsonContext.Default.ChatEvent);
        }
        catch (JsonException)
        {
            return null;
        }
    }

    // The next line without taking it, or null when none arrives within the wait or the connection closes.
    private async Task<string?> PeekLineAsync(TimeSpan wait)
    {
        using var cancel = new CancellationTokenSource(wait);
        try
        {
            return await _lines.Reader.WaitToReadAsync(cancel.Token) && _lines.Reader.TryPeek(out var line) ? line : null;
        }
        catch (Exception e) when (e is OperationCanceledException or InvalidDataException)
        {
            return null;
        }
    }

    private void Record(string entry)
    {
        lock (_transcript)
        {
            _transcript.Enqueue(entry.Length > 200 ? entry[..200] + "…" : entry);
            if (_transcript.Count > TranscriptLength)
            {
                _transcript.Dequeue();
            }
        }
    }

    private string Transcript()
    {
        lock (_transcript)
        {
            return $"\n{Label}'s last {_transcript.Count} lines sent (>) and received (<):\n  " + string.Join("\n  ", _transcript);
        }
    }

    private static string Describe(ReadOnlySpan<byte> bytes) =>
        bytes.Length > 120 ? $"({bytes.Length} bytes) {Quote(Encoding.UTF8.GetString(bytes[..120]))}…" : Quote(Encoding.UTF8.GetString(bytes));

    /// <summary>The text in quotes, control characters escaped so that a stray CR or ESC shows.</summary>
    public static string Quote(string text)
    {
        var quoted = new StringBuilder("\"");
        foreach (var c in text)
        {
            quoted.Append(char.IsControl(c) || c is >= '\u202A' and <= '\u202E' or >= '\u2066' and <= '\u2069'
                ? $"\\u{(int)c:x4}"
                : c.ToString(CultureInfo.InvariantCulture));
        }

        return quoted.Append('"').ToString();
    }
}
