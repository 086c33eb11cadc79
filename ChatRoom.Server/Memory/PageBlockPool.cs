using System.Buffers;
using System.Collections.Concurrent;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace ChatRoom.Server.Memory;

/// <summary>
/// The buffers under every connection's pipes, given to Kestrel's transports in place of its own pool: 4 KiB blocks,
/// each exactly one page of a pinned slab. In a join storm every member is owed lines at once, so every connection's
/// output pipe holds a block; Kestrel's pool keeps all of them afterwards, evicting a few at a time once idle, and an
/// evicted block, pinned in the GC's heap, leaves a hole there rather than memory given back. Here <see cref="Trim"/>,
/// called every second, gives the pages of blocks that stayed free for the whole interval back to the kernel (Linux:
/// <c>madvise(MADV_DONTNEED)</c>) beyond <see cref="MaxRetainedBlocks"/>; such a page comes back zeroed when next
/// written. Nothing is given back in the middle of a burst, when blocks are reused at once. An idle connection holds no
/// block: the transport waits for data before it rents one.
/// </summary>
public sealed unsafe partial class PageBlockPool : MemoryPool<byte>
{
    public const int BlockSize = 4096;

    /// <summary>
    /// 1 MiB: what a room of hundreds has in flight at once. Under a steady load every block is used within each
    /// interval and none is given back, whatever this is; it bounds what an idle server keeps after a burst. A larger
    /// reserve only made idle connections heavier, with no throughput gained (docs/performance.md, memory).
    /// </summary>
    public const int MaxRetainedBlocks = 256;

    // 256 KiB of blocks per slab, plus one page so that they can start on a page boundary.
    private const int BlocksPerSlab = 64;
    private const int MadviseDontNeed = 4;

    private readonly ConcurrentQueue<Block> _resident = new();
    private readonly ConcurrentQueue<Block> _released = new();
    private long _allocatedBytes;
    private int _rentedCount;
    private int _residentCount;
    private int _lowWater;
    private volatile bool _disposed;

    public override int MaxBufferSize => BlockSize;

    /// <summary>Free blocks whose pages are kept for the next rent.</summary>
    public int RetainedBlocks => Volatile.Read(ref _residentCount);

    /// <summary>The slabs' size, resident or not.</summary>
    public long AllocatedBytes => Volatile.Read(ref _allocatedBytes);

    /// <summary>Blocks the pipes hold now.</summary>
    public int RentedBlocks => Volatile.Read(ref _rentedCount);

    public override IMemoryOwner<byte> Rent(int minBufferSize = -1)
    {
        ArgumentOutOfRangeException.ThrowIfGreaterThan(minBufferSize, BlockSize);
        ObjectDisposedException.ThrowIf(_disposed, this);
        Interlocked.Increment(ref _rentedCount);
        if (_resident.TryDequeue(out var block))
        {
            var resident = Interlocked.Decrement(ref _residentCount);
            if (resident < Volatile.Read(ref _lowWater))
            {
                // Approximate under races, which only makes a trim keep a few more blocks.
                Volatile.Write(ref _lowWater, resident);
            }

            return block;
        }

        return _released.TryDequeue(out block) ? block : AllocateSlab();
    }

    /// <summary>
    /// Gives back the pages of the free blocks beyond <see cref="MaxRetainedBlocks"/> that were not needed since the
    /// previous trim; returns how many.
    /// </summary>
    public int Trim()
    {
        var idle = Math.Min(Volatile.Read(ref _lowWater), RetainedBlocks);
        var released = 0;
        while (released < idle - MaxRetainedBlocks && _resident.TryDequeue(out var block))
        {
            Interlocked.Decrement(ref _residentCount);
            block.ReleasePage();
            _released.Enqueue(block);
            released++;
        }

        Volatile.Write(ref _lowWater, RetainedBlocks);
        return released;
    }

    /// <summary>Drops the free blocks; those still rented are the garbage collector's once their pipes let go.</summary>
    protected override void Dispose(bool disposing)
    {
        _disposed = true;
        _resident.Clear();
        _released.Clear();
    }

    private Block AllocateSlab()
    {
        // Pinned: the socket sends from it without pinning per call, and the GC never moves it, so its pages stay ours.
        // Array-backed, because Kestrel's transport sends several blocks at once as array segments.
        var slab = GC.AllocateUninitializedArray<byte>((BlocksPerSlab + 1) * BlockSize, pinned: true);
        var start = (BlockSize - (int)((nuint)Unsafe.AsPointer(ref MemoryMarshal.GetArrayDataReference(slab)) % BlockSize)) % BlockSize;
        Interlocked.Add(ref _allocatedBytes, slab.Length);

        // Pages nobody has written are not resident: the slab's other blocks start out released.
        for (var i = 1; i < BlocksPerSlab; i++)
        {
            _released.Enqueue(new Block(this, slab, start + (i * BlockSize)));
        }

        return new Block(this, slab, start);
    }

    private void Return(Block block)
    {
        Interlocked.Decrement(ref _rentedCount);
        if (_disposed)
        {
            return;
        }

        // Counted first, so that the count never falls below what the queue holds.
        Interlocked.Increment(ref _residentCount);
        _resident.Enqueue(block);
    }

    [LibraryImport("libc", EntryPoint = "madvise")]
    private static partial int Madvise(void* address, nuint length, int advice);

    /// <summary>One page of a slab.</summary>
    private sealed class Block(PageBlockPool pool, byte[] slab, int offset) : IMemoryOwner<byte>
    {
        public Memory<byte> Memory { get; } = MemoryMarshal.CreateFromPinnedArray(slab, offset, BlockSize);

        /// <summary>Gives the page back to the kernel; elsewhere than Linux it stays resident.</summary>
        public void ReleasePage()
        {
            if (OperatingSystem.IsLinux())
            {
                _ = Madvise(Unsafe.AsPointer(ref slab[offset]), BlockSize, MadviseDontNeed);
            }
        }

        /// <summary>The pipe is done with the block: back to the pool.</summary>
        public void Dispose() => pool.Return(this);
    }
}
