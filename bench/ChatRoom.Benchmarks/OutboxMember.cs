using System.IO.Pipelines;
using ChatRoom.Server.Rooms;
using ChatRoom.Server.Sessions;
using ChatRoom.Server.Telemetry;

namespace ChatRoom.Benchmarks;

/// <summary>
/// A room member with the server's real <see cref="Outbox"/>: <see cref="Send"/> enqueues as a session does, and the
/// outbox drains (on the thread pool, or where a <see cref="DrainBatch"/> runs it) into a <see cref="Pipe"/> standing
/// in for the socket, whose reader reports the bytes to a <see cref="FlushCountdown"/> and drops them.
/// </summary>
public sealed class OutboxMember : IRoomMember, IDisposable
{
    private const int MaxQueuedBytes = 64 * 1024 * 1024;

    private readonly Outbox _outbox;
    private readonly FlushCountdown _flushes;
    private readonly Pipe _socket = new(new PipeOptions(
        readerScheduler: PipeScheduler.Inline, writerScheduler: PipeScheduler.Inline, pauseWriterThreshold: 0, useSynchronizationContext: false));
    private readonly Task _reading;
    private volatile bool _counting;

    public OutboxMember(ChatMetrics metrics, FlushCountdown flushes)
    {
        _outbox = new Outbox(_socket.Writer, MaxQueuedBytes, metrics);
        _flushes = flushes;
        _reading = DiscardAsync();
    }

    public string? Nickname { get; set; }

    public DeliveryState GetDeliveryState(long now) => new(_outbox.QueuedBytes, TimeSpan.Zero, TimeSpan.Zero);

    public void Send(EncodedEvent chatEvent) => _ = _outbox.TryEnqueue(chatEvent.Plain, chatEvent.ReceivedTimestamp, chatEvent.CreatedTimestamp);

    public void Disconnect(SlowConsumerVerdict verdict)
    {
    }

    /// <summary>Reports flushed bytes from now on.</summary>
    public void StartCounting() => _counting = true;

    public void Dispose()
    {
        _outbox.CompleteAsync().Wait();
        _socket.Writer.Complete();
        _reading.Wait();
    }

    private async Task DiscardAsync()
    {
        while (true)
        {
            var result = await _socket.Reader.ReadAsync().ConfigureAwait(false);
            if (_counting)
            {
                _flushes.Flushed(result.Buffer.Length);
            }

            _socket.Reader.AdvanceTo(result.Buffer.End);
            if (result.IsCompleted)
            {
                return;
            }
        }
    }
}
