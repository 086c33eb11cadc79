using System.Net.Sockets;
using System.Text;
using System.Text.Json;
using ChatRoom.Protocol.Events;

/// <summary>
/// The dashboard's own short visit to the room, over the chat protocol like any client: it connects to the
/// server's chat endpoint, switches to structured (JSON) events, joins as <see cref="Nickname"/>, does one thing,
/// and leaves with <c>/quit</c>. The server needs no hook for the dashboard commands.
/// </summary>
internal sealed class DashboardChatClient : IAsyncDisposable
{
    public const string Nickname = "dashboard";

    private static readonly UTF8Encoding Utf8 = new(encoderShouldEmitUTF8Identifier: false);

    private readonly TcpClient _client;
    private readonly StreamReader _reader;
    private readonly StreamWriter _writer;

    private DashboardChatClient(TcpClient client)
    {
        _client = client;
        var stream = client.GetStream();
        _reader = new StreamReader(stream, Utf8);
        _writer = new StreamWriter(stream, Utf8) { NewLine = "\n", AutoFlush = true };
    }

    /// <summary>Connects and joins; a refusal (nickname taken, server full) throws <see cref="ChatCommandException"/> with the server's words.</summary>
    public static async Task<DashboardChatClient> JoinAsync(string host, int port, CancellationToken ct)
    {
        var client = new TcpClient { NoDelay = true };
        try
        {
            await client.ConnectAsync(host, port, ct);
            var chat = new DashboardChatClient(client);
            var prompt = await chat._reader.ReadLineAsync(ct);
            if (prompt != "NICK")
            {
                throw new ChatCommandException($"The server at {host}:{port} did not ask for a nickname (it said: {prompt ?? "nothing, and closed"}).");
            }

            await chat._writer.WriteLineAsync("/json".AsMemory(), ct);
            await chat.ReadUntilAsync(e => e is { Kind: ChatEventKind.Nick }, ct);
            await chat._writer.WriteLineAsync(Nickname.AsMemory(), ct);
            await chat.ReadUntilAsync(e => e is { Kind: ChatEventKind.Join, From: Nickname }, ct);
            return chat;
        }
        catch
        {
            client.Dispose();
            throw;
        }
    }

    /// <summary>Says <paramref name="text"/> to the room, literally (a leading <c>/</c> is said, not run), and waits for the room to echo it.</summary>
    public async Task<ChatEvent> SayAsync(string text, CancellationToken ct)
    {
        var literal = text.StartsWith('/') ? "/" + text : text;
        var envelope = JsonSerializer.Serialize(new ClientEnvelope { Text = literal }, ChatJsonContext.Default.ClientEnvelope);
        await _writer.WriteLineAsync(envelope.AsMemory(), ct);
        return await ReadUntilAsync(e => e is { Kind: ChatEventKind.Message, From: Nickname }, ct);
    }

    /// <summary>Asks <c>/who</c> and returns every nickname in the room (a long answer comes in parts), this visit's own included.</summary>
    public async Task<IReadOnlyList<string>> WhoAsync(CancellationToken ct)
    {
        await _writer.WriteLineAsync("/who".AsMemory(), ct);
        var users = new List<string>();
        while (true)
        {
            var part = await ReadUntilAsync(e => e is { Kind: ChatEventKind.System, Code: "who" }, ct);
            users.AddRange(part.Users ?? []);
            if (part.Parts is not { } parts || part.Part >= parts)
            {
                return users;
            }
        }
    }

    public async ValueTask DisposeAsync()
    {
        try
        {
            using var quit = new CancellationTokenSource(TimeSpan.FromSeconds(1));
            await _writer.WriteLineAsync("/quit".AsMemory(), quit.Token);
        }
        catch (Exception e) when (e is IOException or ObjectDisposedException or OperationCanceledException)
        {
            // The server is gone or slow: closing the socket tells it as well.
        }

        _reader.Dispose();
        await _writer.DisposeAsync();
        _client.Dispose();
    }

    /// <summary>Reads events until one matches; an error event addressed to us fails the command with its text.</summary>
    private async Task<ChatEvent> ReadUntilAsync(Func<ChatEvent, bool> match, CancellationToken ct)
    {
        while (true)
        {
            var line = await _reader.ReadLineAsync(ct)
                ?? throw new ChatCommandException("The server closed the connection.");
            if (!line.StartsWith('{'))
            {
                continue; // the plain lines before /json took effect
            }

            var next = JsonSerializer.Deserialize(line, ChatJsonContext.Default.ChatEvent);
            if (next is { Kind: ChatEventKind.Error })
            {
                throw new ChatCommandException($"The server refused: {next.Text}");
            }

            if (next is not null && match(next))
            {
                return next;
            }
        }
    }
}
