using System.Buffers;
using System.Diagnostics;
using System.IO.Pipelines;
using ChatRoom.Protocol.Commands;
using ChatRoom.Protocol.Events;
using ChatRoom.Protocol.Framing;
using ChatRoom.Protocol.Text;
using ChatRoom.Server.Commands;
using ChatRoom.Server.Options;
using ChatRoom.Server.Rooms;
using ChatRoom.Server.Telemetry;
using Microsoft.AspNetCore.Connections;
using Microsoft.AspNetCore.Connections.Features;
using Microsoft.Extensions.Logging;

namespace ChatRoom.Server.Sessions;

/// <summary>
/// One client connection, from <c>NICK</c> to goodbye: reads lines off the connection's pipe, refuses bad
/// input with an <c>ERR</c> to this client alone, runs the handshake, hands commands to
/// <see cref="ChatCommands"/>, and owns the <see cref="Outbox"/> whose drains are the only code
/// that writes to this connection.
/// </summary>
public sealed class ChatSession : ICommandCaller
{
    // Long enough for a reading client to take its last lines, short enough that a silent one cannot hold us.
    private static readonly TimeSpan DrainTimeout = TimeSpan.FromSeconds(5);

    // Refused lines in a row (not text, too long, bad JSON, a refused nickname) after which the peer is taken for
    // something that does not speak this protocol at all (random bytes, a client of another protocol) and disconnected.
    private const int MaxRefusedLinesInARow = 20;

    // The first byte of a TLS record carrying a handshake (a ClientHello): a TLS client on the plaintext port.
    private const byte TlsHandshakeRecord = 0x16;

    private readonly ConnectionContext _connection;
    private readonly Room _room;
    private readonly ChatCommands _commands;
    private readonly ChatOptions _options;
    private readonly ChatMetrics _metrics;
    private readonly ILogger _logger;
    private readonly TimeProvider _clock;
    private readonly DeliveryPolicy _delivery;
    private readonly SendBudget _budget;
    private readonly Outbox _outbox;
    private LineFramer _framer;
    private FloodGate _flood;
    private int _refusedLinesInARow;
    private bool _toldToWaitForTheRoom;
    private bool _readAnything;
    private int _reason = -1;

    // Fires when Kestrel asks connections to close because the server is stopping.
    private readonly CancellationToken _stopping;

    public ChatSession(ConnectionContext connection, Room room, ChatCommands commands, ChatOptions options,
        DeliveryPolicy delivery, SendBudget budget, ChatMetrics metrics, ILogger logger, TimeProvider clock)
    {
        _connection = connection;
        _room = room;
        _commands = commands;
        _options = options;
        _metrics = metrics;
        _logger = logger;
        _clock = clock;
        _delivery = delivery;
        _budget = budget;
        _outbox = new Outbox(connection.Transport.Output, delivery.Limits.MaxSendQueueBytes, metrics);
        _framer = new LineFramer(options.MaxLineBytes);
        _flood = new FloodGate(options.Flood);
        _stopping = connection.Features.Get<IConnectionLifetimeNotificationFeature>()?.ConnectionClosedRequested ?? default;
    }

    public string? Nickname { get; set; }

    /// <summary>Whether this client asked for JSON output with <c>/json</c>.</summary>
    public bool IsStructured { get; private set; }

    /// <summary>The client's address, for logs.</summary>
    public string? RemoteEndPoint => _connection.RemoteEndPoint?.ToString();

    private DisconnectReason? Reason => _reason < 0 ? null : (DisconnectReason)_reason;

    /// <summary>Runs the conversation; the handshake must end within <paramref name="handshakeDeadline"/>.</summary>
    public async Task RunAsync(HandshakeDeadline handshakeDeadline)
    {
        _commands.PromptForNickname(this);
        using var stopping = _stopping.Register(static session => ((ChatSession)session!).OnServerStopping(), this);
        try
        {
            await ReadLoopAsync(handshakeDeadline).ConfigureAwait(false);
        }
        catch (ConnectionResetException)
        {
            SetReason(DisconnectReason.Dropped);
        }
        catch (ConnectionAbortedException)
        {
            // Whoever aborted the connection recorded why.
        }
        catch (IOException)
        {
            SetReason(DisconnectReason.Dropped);
        }
        finally
        {
            await CloseAsync().ConfigureAwait(false);
        }
    }

    /// <summary>Queues an event for this client; a client owed more than the hard cap is disconnected.</summary>
    public void Send(EncodedEvent chatEvent)
    {
        if (!_outbox.TryEnqueue(chatEvent.For(IsStructured), chatEvent.ReceivedTimestamp, chatEvent.CreatedTimestamp))
        {
            Disconnect(_delivery.QueueCapPassed(this, GetDeliveryState(Stopwatch.GetTimestamp())));
        }
    }

    public DeliveryState GetDeliveryState(long now)
    {
        var oldest = _outbox.OldestQueuedTimestamp;
        var lag = oldest == 0 || oldest > now ? TimeSpan.Zero : Stopwatch.GetElapsedTime(oldest, now);
        return new DeliveryState(_outbox.QueuedBytes, lag, _outbox.FlushPendingFor(now));
    }

    /// <summary>
    /// Disconnects this client for not keeping up. What it is owed is dropped at once; the reason follows what is
    /// already in the pipe, as its last line, within the few seconds a closing session drains.
    /// </summary>
    public void Disconnect(SlowConsumerVerdict verdict)
    {
        var reason = verdict.Rule == SlowConsumerRule.WriteTimeout ? DisconnectReason.WriteTimeout : DisconnectReason.SlowConsumer;
        if (Interlocked.CompareExchange(ref _reason, (int)reason, -1) != -1)
        {
            return;
        }

        ServerLog.SlowConsumer(_logger, Nickname, RemoteEndPoint, verdict.Rule.ToString(), verdict.LogDetail);
        // A socket that takes nothing gets no reason (it would never arrive); over the budget, neither does one whose
        // flush has waited a while, so that what it holds is given back now rather than after a last drain.
        if (verdict.Rule == SlowConsumerRule.WriteTimeout
            || (verdict.Rule == SlowConsumerRule.Budget && verdict.State.FlushPending >= DeliveryPolicy.Stalled))
        {
            // Nothing more is queued for it from now on: in a wave of such clients, each would be owed the others' leaves.
            _outbox.Abandon(lastWords: default);
            _connection.Abort(new ConnectionAbortedException(verdict.LogDetail));
            return;
        }

        var reasonLine = new EncodedEvent(new ChatEvent
        {
            Kind = ChatEventKind.Error,
            Time = _clock.GetUtcNow(),
            Code = ErrorCodes.SlowConsumer,
            Text = verdict.ClientMessage,
        });
        _outbox.Abandon(reasonLine.For(IsStructured));
        _connection.Transport.Input.CancelPendingRead();
    }

    /// <summary>Sends an event meant for this client alone.</summary>
    public void Reply(ChatEvent chatEvent) =>
        Send(new EncodedEvent(chatEvent with { Time = _clock.GetUtcNow() }, 0, Nickname));

    public void ReplyError(string code, string text)
    {
        ServerLog.RefusedInput(_logger, Nickname, RemoteEndPoint, code);
        Reply(new ChatEvent { Kind = ChatEventKind.Error, Code = code, Text = text });
    }

    public void ReplySystem(string code, string text) =>
        Reply(new ChatEvent { Kind = ChatEventKind.System, Code = code, Text = text });

    public void EnableStructuredOutput() => IsStructured = true;

    /// <summary>Ends the conversation after what is already queued has been written.</summary>
    public void Quit() => SetReason(DisconnectReason.Quit);

    private async Task ReadLoopAsync(HandshakeDeadline handshakeDeadline)
    {
        var input = _connection.Transport.Input;
        while (true)
        {
            ReadResult result;
            try
            {
                result = await input.ReadAsync(Nickname is null ? handshakeDeadline.Token : default).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (handshakeDeadline.IsExpired)
            {
                SetReason(DisconnectReason.HandshakeTimeout);
                ReplyError(ErrorCodes.HandshakeTimeout, "handshake timed out");
                return;
            }

            var buffer = result.Buffer;
            if (!_readAnything && !buffer.IsEmpty)
            {
                _readAnything = true;
                if (buffer.FirstSpan[0] == TlsHandshakeRecord && _connection.Features.Get<ITlsHandshakeFeature>() is null)
                {
                    RefuseForeignProtocol("TLS");
                    return;
                }
            }

            // The lines of this read, in batches: a line that must wait (flood control, the room's send budget) ends one,
            // is waited for here, once the lines before it are on their way, and starts the next.
            var keepReading = HandleLines(ref buffer, admitted: null, out var waiting);
            while (keepReading && waiting is { } line)
            {
                // A delayed line is received when it is let through.
                keepReading = await WaitForTurnAsync(line.Flood).ConfigureAwait(false)
                    && HandleLines(ref buffer, line with { ReceivedTimestamp = Stopwatch.GetTimestamp() }, out waiting);
            }

            input.AdvanceTo(buffer.Start, buffer.End);
            if (Nickname is not null)
            {
                // Joined: stop the handshake timer now rather than when the connection ends (a timer per idle user).
                handshakeDeadline.Dispose();
            }

            if (!keepReading || result.IsCanceled)
            {
                return;
            }

            if (result.IsCompleted)
            {
                SetReason(DisconnectReason.Dropped);
                return;
            }
        }
    }

    /// <summary>
    /// Handles lines of one read in one <see cref="DrainBatch"/>, so that every recipient gets them in one flush: first
    /// the <paramref name="admitted"/> line that has waited its turn, then each line framed off <paramref name="buffer"/>,
    /// until the read is used up, a line must wait (<paramref name="waiting"/>), or the conversation is over (false).
    /// </summary>
    private bool HandleLines(ref ReadOnlySequence<byte> buffer, WaitingLine? admitted, out WaitingLine? waiting)
    {
        using var held = DrainBatch.Open();
        waiting = null;
        if (admitted is { } first && !HandleFrame(first.Status, first.Line, first.ReceivedTimestamp))
        {
            return false;
        }

        while (true)
        {
            var status = _framer.TryRead(ref buffer, out var line);
            if (status == FrameStatus.NeedMoreData)
            {
                return true;
            }

            var now = Stopwatch.GetTimestamp();
            var flood = _flood.Admit(now);
            if (flood.Delay > TimeSpan.Zero || MustWaitForTheRoom)
            {
                waiting = new WaitingLine(status, line, now, flood);
                return true;
            }

            if (!HandleFrame(status, line, now))
            {
                return false;
            }
        }
    }

    /// <summary>Handles what the framer found: a line, or one that was too long; false when the conversation is over.</summary>
    private bool HandleFrame(FrameStatus status, in ReadOnlySequence<byte> line, long receivedTimestamp)
    {
        if (status == FrameStatus.TooLong)
        {
            ReplyError(ErrorCodes.LineTooLong, $"line is longer than {_framer.MaxLineBytes} bytes");
            return CountRefusedLine();
        }

        return HandleLine(line, receivedTimestamp);
    }

    /// <summary>Whether the room's send budget holds this client's lines back (<see cref="SendBudget"/>).</summary>
    private bool MustWaitForTheRoom => Nickname is not null && _budget.IsExhausted;

    /// <summary>
    /// Waits until a held line may be handled: out its flood delay, then for the room's send budget; false when the
    /// line is not to be handled (the client flooded too long, or the server is stopping).
    /// </summary>
    private async Task<bool> WaitForTurnAsync(FloodGate.Verdict flood)
    {
        if (flood.Delay > TimeSpan.Zero && !await WaitOutFloodAsync(flood).ConfigureAwait(false))
        {
            return false;
        }

        return !MustWaitForTheRoom || await WaitForTheRoomAsync().ConfigureAwait(false);
    }

    /// <summary>
    /// Waits out a flooding client's excess line (it alone is slowed: its input stays unread, so TCP pushes back
    /// on it); false when it has kept flooding long enough to be disconnected.
    /// </summary>
    private async Task<bool> WaitOutFloodAsync(FloodGate.Verdict verdict)
    {
        if (verdict.Disconnect)
        {
            SetReason(DisconnectReason.Flood);
            ReplyError(ErrorCodes.Flood, "disconnected for flooding");
            return false;
        }

        if (verdict.StartsThrottling)
        {
            ReplyError(ErrorCodes.Flood, $"flooding: slow down to {_options.Flood.LinesPerSecond:0.##} lines per second; your lines are being delayed");
        }

        try
        {
            await Task.Delay(verdict.Delay, _clock, _stopping).ConfigureAwait(false);
            return true;
        }
        catch (OperationCanceledException)
        {
            return false; // the server is stopping: OnServerStopping has said why
        }
    }

    /// <summary>
    /// Holds this client's next line while the room owes more than its budget to members that are all keeping up
    /// (<see cref="SendBudget"/>); false when the server stops meanwhile.
    /// </summary>
    private async Task<bool> WaitForTheRoomAsync()
    {
        if (!_toldToWaitForTheRoom)
        {
            _toldToWaitForTheRoom = true;
            ReplyError(ErrorCodes.Flood, "the server is busy delivering to the room; your lines are being delayed");
        }

        try
        {
            await _budget.WaitAsync(_stopping).ConfigureAwait(false);
            _toldToWaitForTheRoom = false; // told again if the room fills up again
            return true;
        }
        catch (OperationCanceledException)
        {
            return false; // the server is stopping: OnServerStopping has said why
        }
    }

    /// <summary>Handles one complete line; false when the conversation is over.</summary>
    private bool HandleLine(in ReadOnlySequence<byte> line, long receivedTimestamp)
    {
        if (line.IsEmpty && Nickname is not null)
        {
            return true; // an empty nickname, on the other hand, is refused and told so
        }

        if (!LineDecoder.TryDecode(line, IsStructured, out var decoded, out var refusal))
        {
            ReplyError(refusal.Code, refusal.Message);
            return RefuseLine();
        }

        var text = decoded.Text;
        var parsed = ChatLine.Parse(text);
        if (Nickname is not null)
        {
            _refusedLinesInARow = 0;
            _commands.Execute(this, parsed, decoded.Trace, receivedTimestamp);
            return Reason is null;
        }

        if (ForeignProtocol.IsHttpRequestLine(text))
        {
            RefuseForeignProtocol("HTTP");
            return false;
        }

        if (!_commands.Handshake(this, parsed, text))
        {
            return RefuseLine();
        }

        _refusedLinesInARow = 0;
        if (Nickname is not null)
        {
            _flood = new FloodGate(_options.Flood); // a newcomer's burst starts full, whatever the handshake took
        }

        return Reason is null;
    }

    /// <summary>Counts a line already refused with an <c>ERR</c>; during the handshake, asks for a nickname again.</summary>
    private bool RefuseLine()
    {
        if (!CountRefusedLine())
        {
            return false;
        }

        if (Nickname is null)
        {
            _commands.PromptForNickname(this); // the refused line was this client's nickname candidate
        }

        return true;
    }

    /// <summary>A client of another protocol (a browser, a TLS client) on this port: one ERR, and nothing it sent is read.</summary>
    private void RefuseForeignProtocol(string protocol)
    {
        SetReason(DisconnectReason.ProtocolError);
        ReplyError(ErrorCodes.WrongProtocol, $"this is a ChatRoom port: it speaks lines of text, not {protocol}");
    }

    /// <summary>Counts a refused line; false (and the reason set) when there have been too many in a row.</summary>
    private bool CountRefusedLine()
    {
        if (++_refusedLinesInARow < MaxRefusedLinesInARow)
        {
            return true;
        }

        SetReason(DisconnectReason.ProtocolError);
        ReplyError(ErrorCodes.ProtocolError, $"disconnected: {MaxRefusedLinesInARow} invalid lines in a row");
        return false;
    }

    /// <summary>
    /// Kestrel is stopping: stop reading and let the writer deliver what was already accepted. The room, closed
    /// first, has told its members; a client still in its handshake is told here.
    /// </summary>
    private void OnServerStopping()
    {
        SetReason(DisconnectReason.Shutdown);
        if (Nickname is null)
        {
            Reply(Room.ShutdownNotice);
        }

        _connection.Transport.Input.CancelPendingRead();
    }

    private void SetReason(DisconnectReason reason) => Interlocked.CompareExchange(ref _reason, (int)reason, -1);

    private async Task CloseAsync()
    {
        SetReason(DisconnectReason.Dropped);
        var reason = Reason!.Value;
        var nickname = Nickname;
        if (nickname is not null)
        {
            _room.Leave(this, reason.ToCode(), announce: reason != DisconnectReason.Shutdown);
            ServerLog.Left(_logger, nickname, reason.ToCode(), RemoteEndPoint);
        }
        else
        {
            ServerLog.ClosedBeforeJoining(_logger, RemoteEndPoint, reason.ToCode());
        }

        var drained = _outbox.CompleteAsync();
        if (await Task.WhenAny(drained, Task.Delay(DrainTimeout, _clock)).ConfigureAwait(false) != drained)
        {
            _connection.Abort(new ConnectionAbortedException("client did not take its last lines"));
            await drained.ConfigureAwait(false);
        }

        _metrics.ConnectionClosed(reason.ToCode());
    }

    /// <summary>
    /// A framed line that flood control or the send budget holds back, with what the flood gate said of it. Its bytes
    /// stay in the pipe until the whole read is handled.
    /// </summary>
    private readonly record struct WaitingLine(FrameStatus Status, ReadOnlySequence<byte> Line, long ReceivedTimestamp, FloodGate.Verdict Flood);
}
