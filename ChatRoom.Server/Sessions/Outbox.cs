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
/// read loop handles, on that loop's thread once it has handled the whole read (<see cref="DrainBatch"/>).
/// The outbox knows what its client is owed (<see cref="QueuedBytes"/>) and since when
/// (<see cref="OldestQueuedTimestamp"/>): the delivery policy judges a client by those (docs/design.md), and the
/// outbox itself refuses only what would pass its hard cap. An idle outbox holds no task, timer or channel: only a
/// four-item array kept for the next batch (longer batches borrow a larger one from the shared pool).
/// </summary>
public sealed class Outbox(PipeWriter output, long maxQueuedBytes, ChatMetrics metrics) : IThreadPoolWorkItem
{
    /// <summary>
    /// What the connection's pipe may hold before a flush waits for the socket (Kestrel's <c>MaxWriteBufferSize</c>, set
    /// to this by the host), and how much a drain copies into it between flushes. Small, because it is a copy per
    /// connection: a thousand clients that stop reading each keep this much on top of what they are owed.
    /// </summary>
    public const int MaxBytesInPipe = 16 * 1024;

    // Each outbox keeps one array for itself, this small at first: at a human pace a batch is a line or two. Renting
    // even those from the shared pool allocates in big rooms, where every member's array is out at once.
    private const int OwnBatchCapacity = 4;

    // An outbox whose batches have needed a larger array keeps one up to this size instead: when a read holds several
    // lines, every member of a big room needs one at once, more than the shared pool keeps.
    private const int MaxOwnBatchCapacity = 16;

    /// <summary>What one queued line costs beside its bytes: its entry, and its share of a batch array that grows by doubling.</summary>
    public const int EntryBytes = 32;

    // Longer batches are rented from the shared pool up to this size. Longer still (a join storm owes every member
    // thousands of lines at once) get arrays of their own, left to the GC: the pool would keep dozens of them per core
    // long after the storm.
    private const int MaxPooledBatchCapacity = 256;

    private readonly Lock _gate = new();
    private Batch _pending;
    private OutboundItem[]? _spare;
    private long _pendingBytes;
    private long _pendingSince;
    private bool _draining;
    private bool _completed;
    private bool _stopped;
    private ReadOnlyMemory<byte> _lastWords;
    private TaskCompletionSource? _drained;
    private Exception? _failure;

    // Written by the drain alone: the part of the batch it took that the socket has not yet taken.
    private long _writingBytes;
    private long _writingSince;
    private long _flushStarted;
    private volatile bool _abandoned;

    /// <summary>The next outbox whose drain the same <see cref="DrainBatch"/> holds back.</summary>
    internal Outbox? NextHeld { get; set; }

    /// <summary>
    /// Bytes the client is owed and the memory that holds them: the lines queued here with their entries, or in the
    /// connection's pipe, which keeps its own copy until the socket takes it (what a waiting flush wrote, and up to
    /// <see cref="MaxBytesInPipe"/> before it).
    /// </summary>
    public long QueuedBytes =>
        Volatile.Read(ref _pendingBytes) + Volatile.Read(ref _writingBytes) + (Volatile.Read(ref _flushStarted) != 0 ? MaxBytesInPipe : 0);

    /// <summary>
    /// When the oldest line the client is owed was queued (a <see cref="Stopwatch"/> timestamp), or 0 when it is owed
    /// nothing: how far behind the room the client is.
    /// </summary>
    public long OldestQueuedTimestamp
    {
        get
        {
            // A batch being written is older than anything queued after it.
            var writing = Volatile.Read(ref _writingSince);
            return writing != 0 ? writing : Volatile.Read(ref _pendingSince);
        }
    }

    /// <summary>
    /// Queues <paramref name="bytes"/> of an event made at <paramref name="madeTimestamp"/>, caused by a client line
    /// read at <paramref name="receivedTimestamp"/> (0 when no line caused it; both <see cref="Stopwatch"/> timestamps).
    /// Returns false only when the client is owed more than the hard cap allows. Once the outbox is completed or
    /// abandoned, or the peer is gone, bytes are dropped: nobody is left to read them.
    /// </summary>
    public bool TryEnqueue(ReadOnlyMemory<byte> bytes, long receivedTimestamp, long madeTimestamp)
    {
        lock (_gate)
        {
            if (_completed || _stopped || _abandoned)
            {
                return true;
            }

            var cost = bytes.Length + EntryBytes;
            if (_pendingBytes + Volatile.Read(ref _writingBytes) + cost > maxQueuedBytes)
            {
                return false;
            }

            if (_pending.Count == 0)
            {
                Volatile.Write(ref _pendingSince, madeTimestamp);
            }

            Append(new OutboundItem(bytes, receivedTimestamp != 0 ? receivedTimestamp : -madeTimestamp));
            Volatile.Write(ref _pendingBytes, _pendingBytes + cost);
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

    /// <summary>
    /// Gives up on what the client is owed: everything queued is dropped at once (its memory with it), the batch being
    /// written stops after the flush under way, and <paramref name="lastWords"/> (the reason, for a client whose
    /// socket still takes bytes) is the last thing written. Nothing is queued afterwards.
    /// </summary>
    public void Abandon(ReadOnlyMemory<byte> lastWords)
    {
        lock (_gate)
        {
            if (_completed || _stopped || _abandoned)
            {
                return;
            }

            _abandoned = true;
            _lastWords = lastWords;
            Release(_pending);
            _pending = default;
            Volatile.Write(ref _pendingBytes, 0);
            Volatile.Write(ref _pendingSince, 0);
            if (_draining)
            {
                return; // the drain writes the last words when it takes its next batch
            }

            _draining = true;
        }

        QueueDrain();
    }

    /// <summary>Queues the drain that <see cref="TryEnqueue"/> started on the thread pool.</summary>
    internal void QueueDrain() =>
        // The global queue, first in first out: a thread's local queue would serve its newest drains first and leave
        // the recipients of an earlier broadcast waiting (docs/design.md, fan-out).
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
    /// Releases the batch just <paramref name="written"/>, and takes everything queued since (or, once abandoned, the
    /// last words), or an empty batch (and the drain ends) when there is nothing.
    /// </summary>
    private Batch TakeBatch(Batch written)
    {
        lock (_gate)
        {
            Release(written);
            Volatile.Write(ref _writingBytes, 0);
            Volatile.Write(ref _writingSince, 0);
            if (_abandoned && !_lastWords.IsEmpty && !_stopped)
            {
                Append(new OutboundItem(_lastWords, 0));
                _pending.IsLastWords = true;
                _lastWords = default;
            }

            var batch = _pending;
            if (batch.Count > 0 && !_stopped)
            {
                _pending = default;
                Volatile.Write(ref _writingSince, batch.Items![0].Made);
                Volatile.Write(ref _writingBytes, _pendingBytes);
                Volatile.Write(ref _pendingBytes, 0);
                Volatile.Write(ref _pendingSince, 0);
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
            Volatile.Write(ref _pendingBytes, 0);
            Volatile.Write(ref _pendingSince, 0);
            Volatile.Write(ref _writingBytes, 0);
            Volatile.Write(ref _writingSince, 0);
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

    /// <summary>
    /// Writes and flushes <paramref name="batch"/>, stopping early once the outbox is abandoned; false when the peer
    /// is gone. What the client is owed shrinks as each flush finishes.
    /// </summary>
    private async ValueTask<bool> WriteAsync(Batch batch)
    {
        var next = 0;
        while (next < batch.Count && (batch.IsLastWords || !_abandoned))
        {
            var copied = CopyIntoPipe(batch.Items.AsSpan(next, batch.Count - next), out var bytes, out var oldestReceived);
            if (!await FlushAsync(oldestReceived).ConfigureAwait(false))
            {
                return false;
            }

            next += copied;
            Volatile.Write(ref _writingBytes, _writingBytes - bytes - (copied * EntryBytes));
            Volatile.Write(ref _writingSince, next < batch.Count ? batch.Items![next].Made : 0);
        }

        return true;
    }

    /// <summary>
    /// Copies <paramref name="items"/> into the pipe until about <see cref="MaxBytesInPipe"/> are written; returns
    /// how many were copied, their <paramref name="bytes"/>, and the receive time of the oldest client line among them
    /// (0 when none is one). Each Advance takes the pipe's lock, so it is done once per buffer span, not once per line.
    /// </summary>
    private int CopyIntoPipe(ReadOnlySpan<OutboundItem> items, out long bytes, out long oldestReceived)
    {
        oldestReceived = 0;
        var span = Span<byte>.Empty;
        var filled = 0;
        var copied = 0L;
        var count = 0;
        while (count < items.Length && copied < MaxBytesInPipe)
        {
            var item = items[count];
            if (oldestReceived == 0)
            {
                oldestReceived = item.Received;
            }

            var source = item.Bytes.Span;
            if (source.Length > span.Length - filled)
            {
                output.Advance(filled);
                span = output.GetSpan(source.Length);
                filled = 0;
            }

            source.CopyTo(span[filled..]);
            filled += source.Length;
            copied += source.Length;
            count++;
        }

        output.Advance(filled);
        bytes = copied;
        return count;
    }

    /// <summary>Flushes what was copied, the oldest of it read from a client at <paramref name="oldest"/>, or 0.</summary>
    private async ValueTask<bool> FlushAsync(long oldest)
    {
        Volatile.Write(ref _flushStarted, Stopwatch.GetTimestamp());
        var result = await output.FlushAsync().ConfigureAwait(false);
        Volatile.Write(ref _flushStarted, 0);
        metrics.Flushed(oldest);
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
        if (items.Length <= MaxOwnBatchCapacity && items.Length >= (_spare?.Length ?? 0))
        {
            // The larger of the two stays; the smaller one goes back where it came from (the GC, for the first one).
            (items, _spare) = (_spare, items);
        }

        if (items is { Length: > OwnBatchCapacity and <= MaxPooledBatchCapacity })
        {
            ArrayPool<OutboundItem>.Shared.Return(items);
        }
    }

    /// <summary>
    /// A line and when it was made, in one field: the receive time of the client line behind it, or, negated, when the
    /// server made it (the delivery metric times only the former).
    /// </summary>
    private readonly record struct OutboundItem(ReadOnlyMemory<byte> Bytes, long Timestamp)
    {
        public long Made => Math.Abs(Timestamp);

        public long Received => Math.Max(Timestamp, 0);
    }

    /// <summary>Items queued between two drains: the first <see cref="Count"/> of <see cref="Items"/>.</summary>
    private struct Batch
    {
        public OutboundItem[]? Items;
        public int Count;

        /// <summary>The batch holds only the reason an abandoned outbox gives its client.</summary>
        public bool IsLastWords;
    }
}
