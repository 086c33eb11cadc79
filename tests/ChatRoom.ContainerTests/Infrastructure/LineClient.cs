using System.Net.Sockets;
using System.Text;

namespace ChatRoom.ContainerTests.Infrastructure;

/// <summary>
/// A chat connection as `nc` would make it: UTF-8 lines over TCP, plain mode. Every read has a deadline, and a
/// failed expectation reports every line received so far.
/// </summary>
internal sealed class LineClient : IAsyncDisposable
{
    public static readonly TimeSpan DefaultTimeout = TimeSpan.FromSeconds(10);

    private static readonly UTF8Encoding Utf8 = new(encoderShouldEmitUTF8Identifier: false);

    private readonly TcpClient _tcp;
    private readonly NetworkStream _stream;
    private readonly StreamReader _reader;
    private readonly List<string> _received = [];

    private LineClient(TcpClient tcp)
    {
        _tcp = tcp;
        _stream = tcp.GetStream();
        _reader = new StreamReader(_stream, Utf8, detectEncodingFromByteOrderMarks: false);
    }

    public string Nick { get; private set; } = "";

    public IReadOnlyList<string> Received => _received;

    public static async Task<LineClient> ConnectAsync(string host, int port)
    {
        var tcp = new TcpClient { NoDelay = true };
        try
        {
            using var cts = new CancellationTokenSource(DefaultTimeout);
            await tcp.ConnectAsync(host, port, cts.Token);
            return new LineClient(tcp);
        }
        catch
        {
            tcp.Dispose();
            throw;
        }
    }

    /// <summary>Connects and completes the handshake: NICK, the nickname, the welcome and its own join line.</summary>
    public static async Task<LineClient> JoinAsync(string host, int port, string nick)
    {
        var client = await ConnectAsync(host, port);
        try
        {
            await client.ExpectAsync(line => line == "NICK", "the NICK prompt");
            await client.SendAsync(nick);
            await client.ExpectAsync(line => line == "Connected to the server!", "the welcome");
            await client.ExpectAsync(line => line == $"{nick} joined the chat!", "its own join");
            client.Nick = nick;
            return client;
        }
        catch
        {
            await client.DisposeAsync();
            throw;
        }
    }

    public Task SendAsync(string line) => SendRawAsync(Utf8.GetBytes(line + "\n"));

    public async Task SendRawAsync(byte[] bytes)
    {
        using var cts = new CancellationTokenSource(DefaultTimeout);
        await _stream.WriteAsync(bytes, cts.Token);
        await _stream.FlushAsync(cts.Token);
    }

    /// <summary>The next line, or null when the server closed the connection.</summary>
    public async Task<string?> ReadLineAsync(TimeSpan? timeout = null)
    {
        using var cts = new CancellationTokenSource(timeout ?? DefaultTimeout);
        try
        {
            var line = await _reader.ReadLineAsync(cts.Token);
            if (line is not null)
            {
                _received.Add(line);
            }

            return line;
        }
        catch (OperationCanceledException) when (cts.IsCancellationRequested)
        {
            throw new TimeoutException($"{Describe()}: no line within {(timeout ?? DefaultTimeout).TotalSeconds} s");
        }
        catch (IOException)
        {
            return null; // reset by the peer: as good as closed for these tests
        }
    }

    /// <summary>Reads until a line matches, within one overall deadline; returns that line.</summary>
    public async Task<string> ExpectAsync(Func<string, bool> match, string what, TimeSpan? timeout = null)
    {
        var lines = await ReadUntilAsync(match, what, timeout);
        return lines[^1];
    }

    /// <summary>Reads until a line matches, within one overall deadline; returns every line read, the match last.</summary>
    public async Task<List<string>> ReadUntilAsync(Func<string, bool> match, string what, TimeSpan? timeout = null)
    {
        var deadline = DateTime.UtcNow + (timeout ?? DefaultTimeout);
        var lines = new List<string>();
        while (true)
        {
            var left = deadline - DateTime.UtcNow;
            if (left <= TimeSpan.Zero)
            {
                throw new TimeoutException($"{Describe()}: expected {what}, not seen in time");
            }

            string? line;
            try
            {
                line = await ReadLineAsync(left);
            }
            catch (TimeoutException)
            {
                throw new TimeoutException($"{Describe()}: expected {what}, not seen in time");
            }

            if (line is null)
            {
                throw new EndOfStreamException($"{Describe()}: expected {what}, but the server closed the connection");
            }

            lines.Add(line);
            if (match(line))
            {
                return lines;
            }
        }
    }

    /// <summary>Reads until the server closes the connection; returns the lines before that.</summary>
    public async Task<List<string>> ReadToEndAsync(TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        var lines = new List<string>();
        while (true)
        {
            var left = deadline - DateTime.UtcNow;
            if (left <= TimeSpan.Zero)
            {
                throw new TimeoutException($"{Describe()}: the connection was not closed within {timeout.TotalSeconds} s");
            }

            var line = await ReadLineAsync(left);
            if (line is null)
            {
                return lines;
            }

            lines.Add(line);
        }
    }

    public ValueTask DisposeAsync()
    {
        _reader.Dispose();
        _tcp.Dispose();
        return ValueTask.CompletedTask;
    }

    private string Describe() =>
        $"client {(Nick.Length > 0 ? Nick : "(no nick)")} received [{string.Join(" | ", _received.TakeLast(30))}]";
}
