namespace ChatRoom.Server.Sessions;

/// <summary>
/// Holds back the drains that a read loop's lines start until it has handled every line of one read, then runs them
/// on its own thread. Each recipient then gets all of that read's lines in one flush, and a broadcast costs no
/// thread-pool work item per recipient. Open only between awaits: the batch belongs to the thread, not to the
/// session, so it must be run before the read loop awaits anything.
/// </summary>
public static class DrainBatch
{
    // A join told to a big room holds one drain per member; a list that long is not worth keeping on every thread.
    private const int MaxKeptCapacity = 1024;

    [ThreadStatic]
    private static List<Outbox>? t_held;

    [ThreadStatic]
    private static bool t_open;

    /// <summary>From now until <see cref="Run"/>, drains started on this thread wait for it.</summary>
    public static void Open()
    {
        t_held ??= [];
        t_open = true;
    }

    /// <summary>Holds <paramref name="outbox"/>'s drain back when a batch is open on this thread.</summary>
    public static bool TryHold(Outbox outbox)
    {
        if (!t_open)
        {
            return false;
        }

        t_held!.Add(outbox);
        return true;
    }

    /// <summary>Closes the batch and runs every drain held back, in the order they were started.</summary>
    public static void Run()
    {
        t_open = false;
        var held = t_held!;
        foreach (var outbox in held)
        {
            outbox.StartDrain();
        }

        if (held.Capacity > MaxKeptCapacity)
        {
            t_held = null;
        }
        else
        {
            held.Clear();
        }
    }
}
