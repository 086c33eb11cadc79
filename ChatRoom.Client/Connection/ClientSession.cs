using System.Diagnostics;
using System.Net.Sockets;
using System.Security.Authentication;
using ChatRoom.Client.Telemetry;
using ChatRoom.Protocol.Commands;
using ChatRoom.Protocol.Events;
using ChatRoom.Protocol.Text;

namespace ChatRoom.Client.Connection;

/// <summary>Gives the nickname to offer: the first time <paramref name="refusal"/> is null, then the server's reason.</summary>
public delegate ValueTask<string> NicknameSource(ChatEvent? refusal, CancellationToken cancellationToken);

/// <summary>
/// A client in the room: joins in structured mode, sends lines as a person types them (text goes in an envelope
/// with its trace context), and receives events, timing the round trip of each of its own messages.
/// One sender and one receiver at a time.
/// </summary>
public sealed class ClientSession : IAsyncDisposable
{
    // Copies of refused lines never come back; beyond this many the oldest pending sends are forgotten.
    private const int MaxPendingMessages = 1024;

    private readonly ChatConnection _connection;
    private readonly ClientMetrics _metrics;
    private readonly Queue<PendingMessage> _pending = new();

    private ClientSession(ChatConnection connection, ServerAddress server, string nick, ClientMetrics metrics)
    {
        _connection = connection;
        _metrics = metrics;
        Server = server;
        Nick = nick;
    }

    public ServerAddress Server { get; }

    /// <summary>This client's nickname, as the server knows it (renames included).</summary>
    public string Nick { get; private set; }

    /// <summary>
    /// Connects, asks for structured mode and offers nicknames from <paramref name="nicknames"/> until one is accepted.
    /// Throws <see cref="ChatRefusedException"/> when the server refuses the connection and
    /// <see cref="ConnectionLostException"/> when it closes it first.
    /// </summary>
    public static async Task<ClientSession> JoinAsync(ServerAddress server, NicknameSource nicknames, ClientMetrics metrics, CancellationToken cancellationToken)
    {
        var connection = await ChatConnection.ConnectAsync(server, cancellationToken).ConfigureAwait(false);
        try
        {
            var nick = await HandshakeAsync(connection, nicknames, cancellationToken).ConfigureAwait(false);
            return new ClientSession(connection, server, nick, metrics);
        }
        catch
        {
            await connection.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    /// <summary>
    /// What a person should read when <see cref="JoinAsync"/> failed in a way that is nobody's bug (refused, unreachable,
    /// closed, untrusted certificate, input ended), or null when <paramref name="exception"/> is not such a failure.
    /// </summary>
    public static string? DescribeJoinFailure(ServerAddress server, Exception exception) => exception switch
    {
        ChatRefusedException => exception.Message,
        AuthenticationException => $"cannot join {server}: TLS: {exception.Message} (--tls-trust <certificate> trusts a self-signed or development certificate)",
        IOException or SocketException => $"cannot join {server}: {exception.Message}",
        _ => null,
    };

    /// <summary>
    /// Sends a line as typed: text for the room (<c>//</c> escapes a leading slash), or a <c>/command</c>. What is said
    /// to the room (text and <c>/me</c>) travels in an envelope with the trace context of its <c>send lobby</c> span.
    /// </summary>
    public async ValueTask SendAsync(string line, CancellationToken cancellationToken)
    {
        var parsed = ChatLine.Parse(line);
        if (!parsed.IsText && parsed.Command != CommandName.Me)
        {
            await _connection.SendLineAsync(line, cancellationToken).ConfigureAwait(false);
            return;
        }

        using var activity = ClientTracing.StartSend(parsed.Argument);
        var envelope = new ClientEnvelope { Text = line, Traceparent = activity?.Id, Tracestate = activity?.TraceStateString };
        lock (_pending)
        {
            // Before the send: the copy may come back before SendAsync returns.
            if (_pending.Count == MaxPendingMessages)
            {
                _pending.Dequeue();
            }

            _pending.Enqueue(new PendingMessage(parsed.Argument, envelope.Traceparent, activity?.Context ?? default, Stopwatch.GetTimestamp()));
        }

        await _connection.SendAsync(envelope, cancellationToken).ConfigureAwait(false);
        _metrics.MessageSent();
    }

    /// <summary>The next event, or null when the server closed the connection.</summary>
    public async ValueTask<ChatEvent?> ReceiveAsync(CancellationToken cancellationToken)
    {
        var chatEvent = await _connection.ReadAsync(cancellationToken).ConfigureAwait(false);
        if (chatEvent is null)
        {
            return null;
        }

        _metrics.EventReceived(chatEvent.Kind);
        if (chatEvent.Kind is ChatEventKind.Message or ChatEventKind.Action && chatEvent.From == Nick)
        {
            OwnMessageReturned(chatEvent);
        }
        else if (chatEvent.Kind == ChatEventKind.Rename && chatEvent.From == Nick && chatEvent.Nick is { } renamed)
        {
            Nick = renamed;
        }

        return chatEvent;
    }

    /// <summary>Says goodbye with <c>/quit</c>, best effort within <paramref name="timeout"/>: the client leaves either way.</summary>
    public async Task QuitAsync(TimeSpan timeout)
    {
        using var cancellation = new CancellationTokenSource(timeout);
        try
        {
            await _connection.SendLineAsync("/quit", cancellation.Token).ConfigureAwait(false);
        }
        catch (Exception e) when (e is IOException or OperationCanceledException)
        {
            // Already gone.
        }
    }

    public ValueTask DisposeAsync() => _connection.DisposeAsync();

    private static async Task<string> HandshakeAsync(ChatConnection connection, NicknameSource nicknames, CancellationToken cancellationToken)
    {
        // The server greets every connection with a plain NICK; /json makes it repeat the prompt as JSON.
        await connection.SendLineAsync("/json", cancellationToken).ConfigureAwait(false);
        var structured = false;
        ChatEvent? refusal = null;
        string? offered = null;
        while (true)
        {
            var chatEvent = await connection.ReadAsync(cancellationToken).ConfigureAwait(false)
                ?? throw new ConnectionLostException("the server closed the connection before the client joined");
            switch (chatEvent)
            {
                case { Kind: ChatEventKind.System, Code: "json" }:
                    structured = true;
                    break;
                case { Kind: ChatEventKind.Nick } when structured:
                    offered = await nicknames(refusal, cancellationToken).ConfigureAwait(false);
                    refusal = null;
                    await connection.SendLineAsync(offered, cancellationToken).ConfigureAwait(false);
                    break;
                case { Kind: ChatEventKind.Error } when !structured:
                    // Refused before any mode could be chosen (server full, too many connections): it closes next.
                    throw new ChatRefusedException(chatEvent);
                case { Kind: ChatEventKind.Error }:
                    refusal = chatEvent;
                    break;
                case { Kind: ChatEventKind.System, Code: "welcome" } when offered is not null:
                    // The server keeps the normalized form (NFC) of what it accepted.
                    return NicknameRules.TryNormalize(offered, out var nick, out _) ? nick : offered;
            }
        }
    }

    private void OwnMessageReturned(ChatEvent message)
    {
        PendingMessage sent;
        lock (_pending)
        {
            do
            {
                if (!_pending.TryDequeue(out sent))
                {
                    return; // said by another connection with this nickname before a rename, or forgotten
                }
            }
            while (!sent.Matches(message));
        }

        _metrics.RoundTrip(Stopwatch.GetElapsedTime(sent.Timestamp));
        ClientTracing.OwnMessageReturned(sent.SendContext, message.Text ?? string.Empty, message.Id);
    }

    /// <summary>A message on its way: the server keeps the order, so copies return first in, first out.</summary>
    private readonly record struct PendingMessage(string Text, string? Traceparent, ActivityContext SendContext, long Timestamp)
    {
        // Lines the server refused never return; skip past them to the one that did.
        public bool Matches(ChatEvent message) =>
            Traceparent is not null ? Traceparent == message.Traceparent : Text == message.Text;
    }
}
