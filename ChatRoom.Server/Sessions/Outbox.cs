using System.Buffers;
using System.Diagnostics;
using System.IO.Pipelines;
using ChatRoom.Server.Telemetry;
using Microsoft.AspNetCore.Connections;

namespace ChatRoom.Server.Sessions;

/// <summary>
/// One connection's outbound bytes. Anyone may enqueue without waiting; the first item after a quiet spell schedules
/// one drain on the thread pool, which writes everything queued by then into the connection's pipe and flushes once
/// per batch, so a busy room costs one syscall per batch rather than one per message. The queue is bounded in bytes:
/// when a client stops reading, only its own queue fills, and <see cref="TryEnqueue"/> says so instead of blocking
/// anyone. An idle outbox holds no task, timer, channel or buffer: a batch's array is rented from the shared pool and
/// returned when the batch is written.
/// </summary>
public sealed class Outbox(PipeWriter output, int maxQueuedBytes, ChatMetrics metrics) : IThreadPoolWorkItem
{
    // Flush in the middle of a very long batch so the socket starts sending early.
    private const int FlushThresholdBytes = 64 * 1024;

    private const int FirstBatchCapacity = 16;

    // Longer batches (a join storm owes every member thousands of lines at once) get arrays of their own, left to the
    // GC: the shared pool would keep dozens of them per core long after the storm.
    private const int MaxPooledBatchCapacity = 256;

    private readonly Lock _gate = new();
    private Batch _pending;
    private long _queuedBytes;
    private bool _draining;
    private bool _completed;
    private bool _stopped;
    private TaskCompletionSource? _drained;
    private Exception? _failure;
    private long _flushStarted;

    /// <summary>Bytes queued and not yet taken by a drain into the pipe.</summary>
    public long QueuedBytes => Volatile.Read(ref _queuedBytes);

    /// <summary>
    /// Queues <paramref name="bytes"/>, read from a client at <paramref name="receivedTimestamp"/>
    /// (a <see cref="Stopwatch"/> timestamp, 0 when not from a client line). Returns false only when the queue is
    /// full. Once the outbox is completed, or the peer is gone, bytes are dropped: nobody is left to read them.
    /// </summary>
    public bool TryEnqueue(ReadOnlyMemory<byte> bytes, long receivedTimestamp)
    {
        lock (_gate)
        {
            if (_completed || _stopped)
            {
                return true;
            }

            if (_queuedBytes + bytes.Length > maxQueuedBytes)
            {
                return false;
            }

            _pending.Add(new OutboundItem(bytes, receivedTimestamp));
            Volatile.Write(ref _queuedBytes, _queuedBytes + bytes.Length);
            if (_draining)
            {
                return true;
            }

            _draining = true;
        }

        // The global queue, first in first out: a thread's local queue would serve its newest drains first and leave
        // the recipients of an earlier broadcast waiting (2,000 clients: p99 146 ms against 112, for 4 % more in c).
        ThreadPool.UnsafeQueueUserWorkItem(this, preferLocal: false);
        return true;
    }

    /// <summary>How long the flush under way has been waiting for the peer to take bytes; zero when none is.</summary>
    public TimeSpan FlushPendingFor(long now)
    {
        var started = Volatile.Read(ref _flushStarted);
        return started == 0 ? TimeSpan.Zero : Stopwatch.GetElapsedTime(started, now);
    }

    /// <summary>
    /// No more items. The task completes once what is already queued has been written, or the peer is gone; it fails
    /// if writing failed for any other reason.
    /// </summary>
    public Task CompleteAsync()
    {
        lock (_gate)
        {
            _completed = true;
            if (_failure is not null)
            {
                return Task.FromException(_failure);
            }

            if (!_draining)
            {
                return Task.CompletedTask;
            }

            _drained ??= new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            return _drained.Task;
        }
    }

    void IThreadPoolWorkItem.Execute() => _ = DrainAsync();

    private async Task DrainAsync()
    {
        try
        {
            while (TakeBatch() is { Count: > 0 } batch)
            {
                var written = await WriteAsync(batch).ConfigureAwait(false);
                batch.Return();
                if (!written)
                {
                    Stop();
                    return;
                }
            }
        }
        catch (Exception ex) when (ex is IOException or ConnectionAbortedException or ConnectionResetException or OperationCanceledException)
        {
            // The peer is gone; the session's read loop notices too and ends the session.
            Stop();
        }
        catch (Exception ex)
        {
            // Nobody awaits a drain: keep the failure for CompleteAsync, which the session awaits as it closes.
            Stop(ex);
        }
    }

    /// <summary>Everything queued, or an empty batch (and the drain ends) when nothing is.</summary>
    private Batch TakeBatch()
    {
        lock (_gate)
        {
            var batch = _pending;
            if (batch.Count > 0 && !_stopped)
            {
                // Bytes count against the limit only while queued here: once taken, the pipe's own limit holds them
                // back, as it would for any writer.
                _pending = default;
                Volatile.Write(ref _queuedBytes, 0);
                return batch;
            }

            _draining = false;
            if (_completed)
            {
                _drained?.TrySetResult();
            }

            return default;
        }
    }

    private void Stop(Exception? failure = null)
    {
        lock (_gate)
        {
            _stopped = true;
            _draining = false;
            _pending.Return();
            _pending = default;
            _failure = failure;
            Volatile.Write(ref _queuedBytes, 0);
            if (failure is null)
            {
                _drained?.TrySetResult();
            }
            else
            {
                _drained?.TrySetException(failure);
            }
        }
    }

    /// <summary>Writes and flushes <paramref name="batch"/>; false when the peer is gone.</summary>
    private async ValueTask<bool> WriteAsync(Batch batch)
    {
        var next = 0;
        while (next < batch.Count)
        {
            next = CopyIntoPipe(batch, next, out var oldestInChunk);
            if (!await FlushAsync(oldestInChunk).ConfigureAwait(false))
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>
    /// Copies items from <paramref name="first"/> on into the pipe until about <see cref="FlushThresholdBytes"/> are
    /// written; returns the index of the first item not copied, and the receive time of the oldest client line among
    /// those copied (0 when none is one). Each Advance takes the pipe's lock, so it is done once per buffer span, not
    /// once per line.
    /// </summary>
    private int CopyIntoPipe(Batch batch, int first, out long oldestReceived)
    {
        oldestReceived = 0;
        var span = Span<byte>.Empty;
        var filled = 0;
        var copied = 0L;
        var next = first;
        while (next < batch.Count && copied < FlushThresholdBytes)
        {
            var item = batch.Items[next];
            if (oldestReceived == 0)
            {
                oldestReceived = item.ReceivedTimestamp;
            }

            var bytes = item.Bytes.Span;
            if (bytes.Length > span.Length - filled)
            {
                output.Advance(filled);
                span = output.GetSpan(bytes.Length);
                filled = 0;
            }

            bytes.CopyTo(span[filled..]);
            filled += bytes.Length;
            copied += bytes.Length;
            next++;
        }

        output.Advance(filled);
        return next;
    }

    private async ValueTask<bool> FlushAsync(long oldestInBatch)
    {
        Volatile.Write(ref _flushStarted, Stopwatch.GetTimestamp());
        var result = await output.FlushAsync().ConfigureAwait(false);
        Volatile.Write(ref _flushStarted, 0);
        metrics.Flushed(oldestInBatch);
        return !result.IsCompleted && !result.IsCanceled;
    }

    private readonly record struct OutboundItem(ReadOnlyMemory<byte> Bytes, long ReceivedTimestamp);

    /// <summary>
    /// Items queued between two drains, in an array rented from <see cref="ArrayPool{T}.Shared"/> (up to
    /// <see cref="MaxPooledBatchCapacity"/> items): a busy outbox does not regrow a list for every batch, and an idle
    /// one holds no array at all.
    /// </summary>
    private struct Batch
    {
        public OutboundItem[] Items;
        public int Count;

        public void Add(OutboundItem item)
        {
            if (Items is null || Count == Items.Length)
            {
                var capacity = Items is null ? FirstBatchCapacity : Items.Length * 2;
                var larger = capacity <= MaxPooledBatchCapacity
                    ? ArrayPool<OutboundItem>.Shared.Rent(capacity)
                    : new OutboundItem[capacity];
                if (Items is not null)
                {
                    Items.AsSpan(0, Count).CopyTo(larger);
                    Return();
                }

                Items = larger;
            }

            Items[Count++] = item;
        }

        /// <summary>Gives a pooled array back, cleared so that the pool does not keep the lines' buffers alive.</summary>
        public readonly void Return()
        {
            if (Items is { Length: <= MaxPooledBatchCapacity })
            {
                Items.AsSpan(0, Count).Clear();
                ArrayPool<OutboundItem>.Shared.Return(Items);
            }
        }
    }
}
