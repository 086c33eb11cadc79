namespace ChatRoom.Server.Sessions;

/// <summary>
/// Holds back the drains that a read loop's lines start until it has handled every line of one read, so that each
/// recipient gets all of that read's lines in one flush: <c>using var held = DrainBatch.Open();</c>, and disposing it
/// starts the held drains. A room of up to a few hundred is then drained on the read loop's own thread, with no
/// thread-pool work item per recipient; a bigger one is handed to the thread pool, where both cores share its fan-out.
/// The batch belongs to the thread, not to the session, so it must be disposed before the read loop awaits anything:
/// a ref struct, it cannot be kept across an await.
/// </summary>
public readonly ref struct DrainBatch
{
    // Inline draining saves small rooms a thread-pool work item per recipient; in a room of thousands the last member
    // would wait for one thread to drain all the others, so bigger rooms share the fan-out on the pool
    // (docs/design.md, fan-out).
    private const int MaxDrainedInline = 256;

    // The held outboxes are chained through Outbox.NextHeld, first held first: holding allocates nothing, however
    // big the room. An outbox is held by one batch at most, between the enqueue that starts its drain and the drain.
    [ThreadStatic]
    private static Outbox? t_first;

    [ThreadStatic]
    private static Outbox? t_last;

    [ThreadStatic]
    private static int t_count;

    [ThreadStatic]
    private static bool t_open;

    private readonly bool _opened;

    private DrainBatch(bool opened) => _opened = opened;

    /// <summary>From now until the batch is disposed, drains started on this thread wait for it.</summary>
    public static DrainBatch Open()
    {
        t_open = true;
        return new DrainBatch(opened: true);
    }

    /// <summary>Holds <paramref name="outbox"/>'s drain back when a batch is open on this thread.</summary>
    internal static bool TryHold(Outbox outbox)
    {
        if (!t_open)
        {
            return false;
        }

        if (t_last is { } last)
        {
            last.NextHeld = outbox;
        }
        else
        {
            t_first = outbox;
        }

        t_last = outbox;
        t_count++;
        return true;
    }

    /// <summary>Closes the batch and starts every drain held back, in the order they were held.</summary>
    public void Dispose()
    {
        if (!_opened)
        {
            return; // a default batch was never opened: the thread's batch, if any, is someone else's
        }

        var inline = t_count <= MaxDrainedInline;
        var outbox = t_first;
        t_open = false;
        t_first = t_last = null;
        t_count = 0;
        while (outbox is not null)
        {
            // Unchained before its drain starts: once drained, another batch may hold it again.
            var next = outbox.NextHeld;
            outbox.NextHeld = null;
            if (inline)
            {
                outbox.StartDrain();
            }
            else
            {
                outbox.QueueDrain();
            }

            outbox = next;
        }
    }
}
