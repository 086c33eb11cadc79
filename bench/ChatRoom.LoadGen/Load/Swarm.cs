using System.Net;
using ChatRoom.LoadGen.Targets;

namespace ChatRoom.LoadGen.Load;

/// <summary>
/// The run's client connections, numbered from 0. They are opened and joined a bounded number at a time (see
/// <see cref="ITarget.ParallelJoins"/>), and each one reads continuously from the moment it has joined, so join storms never back up.
/// Connection <c>i</c> talks to <paramref name="servers"/>[i mod their number].
/// </summary>
public sealed class Swarm(ITarget target, IPEndPoint[] servers, DeliveryLedger ledger) : IAsyncDisposable
{
    // The connections that send the barrier lines; with two of them every connection gets one, echo or not.
    private static readonly int[] BarrierSenders = [0, 1];

    private static readonly TimeSpan CloseTimeout = TimeSpan.FromSeconds(10);

    private readonly List<Task> _receiving = [];
    private LoadConnection?[] _connections = [];
    private int _joined;

    /// <summary>The server these connections talk to.</summary>
    public ITarget Target => target;

    /// <summary>Connections asked for so far.</summary>
    public int Count => Volatile.Read(ref _connections).Length;

    /// <summary>Connections the server has admitted so far.</summary>
    public int Joined => Volatile.Read(ref _joined);

    public LoadConnection this[int index] => _connections[index] ?? throw new InvalidOperationException($"connection {index} is not open");

    /// <summary>Opens and joins connections until there are <paramref name="total"/>.</summary>
    public async Task GrowAsync(int total, CancellationToken cancellationToken)
    {
        var first = _connections.Length;
        var grown = _connections;
        Array.Resize(ref grown, total);
        Volatile.Write(ref _connections, grown);
        var options = new ParallelOptions { MaxDegreeOfParallelism = target.ParallelJoins, CancellationToken = cancellationToken };
        await Parallel.ForEachAsync(Enumerable.Range(first, total - first), options, async (index, token) =>
        {
            var connection = await LoadConnection.ConnectAsync(index, servers[index % servers.Length], token).ConfigureAwait(false);
            grown[index] = connection; // before joining, so that disposal closes it whatever happens next
            await target.JoinAsync(connection, token).ConfigureAwait(false);
            var receiving = connection.ReceiveAsync(ledger);
            lock (_receiving)
            {
                _receiving.Add(receiving);
            }

            Interlocked.Increment(ref _joined);
        }).ConfigureAwait(false);
    }

    /// <summary>Waits until every connection has received everything the server announced so far.</summary>
    public async Task DrainAsync(CancellationToken cancellationToken)
    {
        var barrier = new SyncBarrier(target, Count, BarrierSenders);
        ledger.WaitFor(barrier);
        byte[] line = [.. target.MessagePrefix.Span, .. Payload.Barrier.Span];
        foreach (var sender in BarrierSenders)
        {
            await this[sender].SendAsync(line, cancellationToken).ConfigureAwait(false);
        }

        await barrier.Drained.WaitAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Resets <paramref name="count"/> connections from <paramref name="first"/> on, one right after the other.</summary>
    public void Reset(int first, int count)
    {
        for (var index = first; index < first + count; index++)
        {
            _connections[index]?.Reset();
        }
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var connection in _connections)
        {
            if (connection is not null)
            {
                await connection.DisposeAsync().ConfigureAwait(false);
            }
        }

        Task[] receiving;
        lock (_receiving)
        {
            receiving = [.. _receiving];
        }

        await Task.WhenAll(receiving).WaitAsync(CloseTimeout).ConfigureAwait(false);
    }
}
