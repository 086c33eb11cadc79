using ChatRoom.LoadGen.Targets;

namespace ChatRoom.LoadGen.Load;

/// <summary>
/// Proof that the join backlog is drained. Two connections each send a barrier line once everyone has joined; both
/// servers keep one order per recipient, so a connection that has received every barrier owed to it has received
/// every join and announcement made before them.
/// </summary>
public sealed class SyncBarrier
{
    private readonly int[] _owed;
    private readonly int[] _seen;
    private readonly TaskCompletionSource _drained = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private int _waiting;

    public SyncBarrier(ITarget target, int connections, IReadOnlyList<int> senders)
    {
        _owed = new int[connections];
        _seen = new int[connections];
        for (var receiver = 0; receiver < connections; receiver++)
        {
            _owed[receiver] = senders.Count(sender => target.DeliversTo(sender, receiver));
        }

        _waiting = connections;
    }

    public Task Drained => _drained.Task;

    public void Arrived(int connection)
    {
        if (Interlocked.Increment(ref _seen[connection]) == _owed[connection] && Interlocked.Decrement(ref _waiting) == 0)
        {
            _drained.TrySetResult();
        }
    }
}
