using System.Buffers;
using System.Diagnostics;
using System.IO.Pipelines;
using ChatRoom.Server.Telemetry;
using Microsoft.AspNetCore.Connections;

namespace ChatRoom.Server.Sessions;

/// <summary>
/// One connection's outbound bytes. Anyone may enqueue without waiting; the first item after a quiet spell starts
/// one drain, which writes everything queued by then into the connection's pipe and flushes once per batch, so a busy
/// room costs one syscall per batch rather than one per message. The drain runs on the thread pool, or, for lines a
/// read loop handles, on that loop's thread once it has handled the whole read (<see cref="DrainBatch"/>). The queue
/// is bounded in bytes: when a client stops reading, only its own queue fills, and <see cref="TryEnqueue"/> says so
/// instead of blocking anyone. An idle outbox holds no task, timer or channel: only a four-item array kept for the
/// next batch (longer batches borrow a larger one from the shared pool).
/// </summary>
public sealed class Outbox(PipeWriter output, int maxQueuedBytes, ChatMetrics metrics) : IThreadPoolWorkItem
{
    // Flush in the middle of a very long batch so the socket starts sending early.
    private const int FlushThresholdBytes = 64 * 1024;

    // Each outbox keeps one array this small for itself: at a human pace a batch is a line or two. Renting even
    // those from the shared pool allocated in big rooms, where every member's array is out at once (1,000 members:
    // 200 KB a broadcast).
    private const int OwnBatchCapacity = 4;

    // Longer batches are rented from the shared pool up to this size. Longer still (a join storm owes every member
    // thousands of lines at once) get arrays of their own, left to the GC: the pool would keep dozens of them per core
    // long after the storm.
    private const int MaxPooledBatchCapacity = 256;

    private readonly Lock _gate = new();
    private Batch _pending;
    private OutboundItem[]? _spare;
    private long _queuedBytes;
    private bool _draining;
    private bool _completed;
    private bool _stopped;
    private TaskCompletionSource? _drained;
    private Exception? _failure;
    private long _flushStarted;

    /// <summary>The next outbox whose drain the same <see cref="DrainBatch"/> holds back.</summary>
    internal Outbox? NextHeld { get; set; }

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

            Append(new OutboundItem(bytes, receivedTimestamp));
            Volatile.Write(ref _queuedBytes, _queuedBytes + bytes.Length);
            if (_draining)
            {
                return true;
            }

            _draining = true;
        }

        if (!DrainBatch.TryHold(this))
        {
            QueueDrain();
        }

        return true;
    }

    /// <summary>Queues the drain that <see cref="TryEnqueue"/> started on the thread pool.</summary>
    internal void QueueDrain() =>
        // The global queue, first in first out: a thread's local queue would serve its newest drains first and leave
        // the recipients of an earlier broadcast waiting (2,000 clients: p99 146 ms against 112, for 4 % more in c).
        ThreadPool.UnsafeQueueUserWorkItem(this, preferLocal: false);

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

    void IThreadPoolWorkItem.Execute() => StartDrain();

    /// <summary>Runs the drain that <see cref="TryEnqueue"/> started, on this thread until a flush has to wait.</summary>
    internal void StartDrain() => _ = DrainAsync();

    private async Task DrainAsync()
    {
        try
        {
            var batch = TakeBatch(written: default);
            while (batch.Count > 0)
            {
                if (!await WriteAsync(batch).ConfigureAwait(false))
                {
                    Stop();
                    return;
                }

                batch = TakeBatch(batch);
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

    /// <summary>
    /// Releases the batch just <paramref name="written"/>, and takes everything queued since, or an empty batch (and
    /// the drain ends) when nothing is.
    /// </summary>
    private Batch TakeBatch(Batch written)
    {
        lock (_gate)
        {
            Release(written);
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
            Release(_pending);
            _pending = default;
            _spare = null;
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
            next += CopyIntoPipe(batch.Items.AsSpan(next, batch.Count - next), out var oldestInChunk);
            if (!await FlushAsync(oldestInChunk).ConfigureAwait(false))
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>
    /// Copies <paramref name="items"/> into the pipe until about <see cref="FlushThresholdBytes"/> are written; returns
    /// how many were copied, and the receive time of the oldest client line among them (0 when none is one). Each
    /// Advance takes the pipe's lock, so it is done once per buffer span, not once per line.
    /// </summary>
    private int CopyIntoPipe(ReadOnlySpan<OutboundItem> items, out long oldestReceived)
    {
        oldestReceived = 0;
        var span = Span<byte>.Empty;
        var filled = 0;
        var copied = 0L;
        var count = 0;
        while (count < items.Length && copied < FlushThresholdBytes)
        {
            var item = items[count];
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
            count++;
        }

        output.Advance(filled);
        return count;
    }

    private async ValueTask<bool> FlushAsync(long oldestInBatch)
    {
        Volatile.Write(ref _flushStarted, Stopwatch.GetTimestamp());
        var result = await output.FlushAsync().ConfigureAwait(false);
        Volatile.Write(ref _flushStarted, 0);
        metrics.Flushed(oldestInBatch);
        return !result.IsCompleted && !result.IsCanceled;
    }

    /// <summary>Adds <paramref name="item"/> to the pending batch, growing it as needed. Call under the gate.</summary>
    private void Append(OutboundItem item)
    {
        if (_pending.Items is null)
        {
            _pending.Items = _spare ?? new OutboundItem[OwnBatchCapacity];
            _spare = null;
        }
        else if (_pending.Count == _pending.Items.Length)
        {
            var capacity = _pending.Items.Length * 2;
            var larger = capacity <= MaxPooledBatchCapacity
                ? ArrayPool<OutboundItem>.Shared.Rent(capacity)
                : new OutboundItem[capacity];
            _pending.Items.AsSpan(0, _pending.Count).CopyTo(larger);
            Release(_pending);
            _pending.Items = larger;
        }

        _pending.Items[_pending.Count++] = item;
    }

    /// <summary>
    /// Clears <paramref name="batch"/>'s array, so nothing keeps the lines' buffers alive, and gives it back: the
    /// outbox's own small array becomes its spare, a rented one returns to the pool, a longer one is left to the GC.
    /// Call under the gate.
    /// </summary>
    private void Release(Batch batch)
    {
        if (batch.Items is not { } items)
        {
            return;
        }

        items.AsSpan(0, batch.Count).Clear();
        if (items.Length == OwnBatchCapacity)
        {
            _spare = items;
        }
        else if (items.Length <= MaxPooledBatchCapacity)
        {
            ArrayPool<OutboundItem>.Shared.Return(items);
        }
    }

    private readonly record struct OutboundItem(ReadOnlyMemory<byte> Bytes, long ReceivedTimestamp);

    /// <summary>Items queued between two drains: the first <see cref="Count"/> of <see cref="Items"/>.</summary>
    private struct Batch
    {
        public OutboundItem[]? Items;
        public int Count;
    }
}
