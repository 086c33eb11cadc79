using System.Buffers;
using System.Diagnostics;
using System.IO.Pipelines;
using System.Threading.Channels;
using ChatRoom.Server.Telemetry;

namespace ChatRoom.Server.Sessions;

/// <summary>
/// One connection's outbound bytes. Anyone may enqueue without waiting; a single writer loop drains
/// everything queued into the connection's pipe and flushes once per batch, so a busy room costs one
/// syscall per batch rather than one per message. The queue is bounded in bytes: when a client stops
/// reading, only its own queue fills, and <see cref="TryEnqueue"/> says so instead of blocking anyone.
/// </summary>
public sealed class Outbox(int maxQueuedBytes, ChatMetrics metrics)
{
    // Flush in the middle of a very long batch so the socket starts sending early.
    private const int FlushThresholdBytes = 64 * 1024;

    private readonly Channel<OutboundItem> _items = Channel.CreateUnbounded<OutboundItem>(
        new UnboundedChannelOptions { SingleReader = true, SingleWriter = false });

    private long _queuedBytes;
    private long _flushStarted;

    /// <summary>Bytes enqueued and not yet written into the pipe.</summary>
    public long QueuedBytes => Volatile.Read(ref _queuedBytes);

    /// <summary>
    /// Queues <paramref name="bytes"/>, read from a client at <paramref name="receivedTimestamp"/>
    /// (a <see cref="System.Diagnostics.Stopwatch"/> timestamp, 0 when not from a client line).
    /// Returns false when the queue is full or already completed.
    /// </summary>
    public bool TryEnqueue(ReadOnlyMemory<byte> bytes, long receivedTimestamp)
    {
        if (Interlocked.Add(ref _queuedBytes, bytes.Length) > maxQueuedBytes)
        {
            Interlocked.Add(ref _queuedBytes, -bytes.Length);
            return false;
        }

        if (_items.Writer.TryWrite(new OutboundItem(bytes, receivedTimestamp)))
        {
            return true;
        }

        Interlocked.Add(ref _queuedBytes, -bytes.Length);
        return false;
    }

    /// <summary>How long the flush under way has been waiting for the peer to take bytes; zero when none is.</summary>
    public TimeSpan FlushPendingFor(long now)
    {
        var started = Volatile.Read(ref _flushStarted);
        return started == 0 ? TimeSpan.Zero : Stopwatch.GetElapsedTime(started, now);
    }

    /// <summary>No more items: the writer loop ends once it has written what is already queued.</summary>
    public void Complete() => _items.Writer.TryComplete();

    /// <summary>Drains the queue into <paramref name="output"/> until completed or the peer is gone.</summary>
    public async Task RunWriterAsync(PipeWriter output, CancellationToken cancellationToken)
    {
        var reader = _items.Reader;
        while (await reader.WaitToReadAsync(cancellationToken).ConfigureAwait(false))
        {
            long oldestInBatch = 0;
            while (reader.TryRead(out var item))
            {
                output.Write(item.Bytes.Span);
                Interlocked.Add(ref _queuedBytes, -item.Bytes.Length);
                if (oldestInBatch == 0)
                {
                    oldestInBatch = item.ReceivedTimestamp;
                }

                if (output.UnflushedBytes >= FlushThresholdBytes)
                {
                    if (output.UnflushedBytes > 0 && !await FlushAsync(output, oldestInBatch, cancellationToken).ConfigureAwait(false))
                    {
                        return;
                    }

                    oldestInBatch = 0;
                }
            }

            if (output.UnflushedBytes > 0 && !await FlushAsync(output, oldestInBatch, cancellationToken).ConfigureAwait(false))
            {
                return;
            }
        }
    }

    private async ValueTask<bool> FlushAsync(PipeWriter output, long oldestInBatch, CancellationToken cancellationToken)
    {
        Volatile.Write(ref _flushStarted, Stopwatch.GetTimestamp());
        var result = await output.FlushAsync(cancellationToken).ConfigureAwait(false);
        Volatile.Write(ref _flushStarted, 0);
        metrics.Flushed(oldestInBatch);
        return !result.IsCompleted && !result.IsCanceled;
    }

    private readonly record struct OutboundItem(ReadOnlyMemory<byte> Bytes, long ReceivedTimestamp);
}
