using System.Buffers;
using System.Collections.Concurrent;
using ChatRoom.Server.Telemetry;
using Microsoft.AspNetCore.Connections;

namespace ChatRoom.Server.Memory;

/// <summary>Gives Kestrel's transports <see cref="PageBlockPool"/>s instead of its own pools (one per listener).</summary>
public sealed class PageBlockPoolFactory : IMemoryPoolFactory<byte>
{
    private readonly ConcurrentQueue<PageBlockPool> _pools = new();

    public PageBlockPoolFactory(ChatMetrics metrics) =>
        metrics.ObserveBufferPools(
            allocatedBytes: () => _pools.Sum(pool => pool.AllocatedBytes),
            retainedBytes: () => _pools.Sum(pool => (long)pool.RetainedBlocks) * PageBlockPool.BlockSize);

    /// <summary>Every pool handed out.</summary>
    public IReadOnlyCollection<PageBlockPool> Pools => _pools;

    /// <summary>Trims every pool (<see cref="PageBlockPool.Trim"/>); returns how many pages went back.</summary>
    public int Trim() => _pools.Sum(pool => pool.Trim());

    public MemoryPool<byte> Create(MemoryPoolOptions? options = null)
    {
        var pool = new PageBlockPool();
        _pools.Enqueue(pool);
        return pool;
    }
}
