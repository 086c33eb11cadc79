namespace ChatRoom.Server.Rooms;

/// <summary>
/// The brake on senders: set while the room owes more than <see cref="DeliveryLimits.MaxQueuedBytes"/> although every
/// member still in it is keeping up (<see cref="DeliveryPolicy"/>). Sessions then hold their clients' next lines
/// (their input stays unread, so TCP pushes back on the senders) and say so, as flood control does, until the
/// members have taken enough.
/// </summary>
public sealed class SendBudget
{
    private volatile TaskCompletionSource? _available;

    /// <summary>Whether senders must wait.</summary>
    public bool IsExhausted => _available is not null;

    /// <summary>Completes once senders may go on.</summary>
    public Task WaitAsync(CancellationToken cancellationToken) =>
        _available is { } available ? available.Task.WaitAsync(cancellationToken) : Task.CompletedTask;

    /// <summary>Sets or releases the brake; called by <see cref="DeliveryMonitor"/> alone.</summary>
    internal void Update(bool exhausted)
    {
        if (exhausted)
        {
            _available ??= new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        }
        else if (_available is { } available)
        {
            _available = null;
            available.TrySetResult();
        }
    }
}
