using System.Diagnostics;
using System.Text;
using ChatRoom.Server.Memory;
using ChatRoom.Tests.Harness;
using Microsoft.Extensions.DependencyInjection;

namespace ChatRoom.Server.Tests;

/// <summary>The buffers under the connections' pipes: reused, given back after a burst, and really Kestrel's.</summary>
public sealed class PageBlockPoolTests : IDisposable
{
    private const int Burst = PageBlockPool.MaxRetainedBlocks * 3;

    private readonly PageBlockPool _pool = new();

    public void Dispose() => _pool.Dispose();

    [Fact]
    public void AReturnedBlockIsRentedAgain()
    {
        var first = _pool.Rent();
        var memory = first.Memory;
        first.Dispose();

        using var second = _pool.Rent(100);

        Assert.True(second.Memory.Span.Overlaps(memory.Span), "a new block was allocated although one was free");
        Assert.Equal(PageBlockPool.BlockSize, second.Memory.Length);
    }

    [Fact]
    public void AfterABurstTheBlocksBeyondTheRetainedMaximumAreGivenBackOnceTheyStayedFree()
    {
        var burst = Enumerable.Range(0, Burst).Select(_ => _pool.Rent()).ToList();
        burst.ForEach(block => block.Memory.Span.Fill(0xFF));
        burst.ForEach(block => block.Dispose());

        // They were in use since the last trim: a burst may still need them.
        Assert.Equal(0, _pool.Trim());
        Assert.Equal(Burst, _pool.RetainedBlocks);
        // Free for a whole interval: all but the retained maximum go.
        Assert.Equal(Burst - PageBlockPool.MaxRetainedBlocks, _pool.Trim());
        Assert.Equal(PageBlockPool.MaxRetainedBlocks, _pool.RetainedBlocks);

        var again = Enumerable.Range(0, Burst).Select(_ => _pool.Rent()).ToList();
        var givenBack = again.Count(block => !block.Memory.Span.ContainsAnyExcept((byte)0));
        // The kernel hands a page given back with MADV_DONTNEED in again zeroed: the proof it was really released.
        Assert.Equal(OperatingSystem.IsLinux() ? Burst - PageBlockPool.MaxRetainedBlocks : 0, givenBack);
        again.ForEach(block => block.Dispose());
    }

    [Fact]
    public void ATrimKeepsWhatWasRentedSinceThePreviousOne()
    {
        var burst = Enumerable.Range(0, Burst).Select(_ => _pool.Rent()).ToList();
        burst.ForEach(block => block.Dispose());
        _pool.Trim();

        // Half of them are rented and returned between two trims: only the other half stayed free.
        var busy = Enumerable.Range(0, Burst / 2).Select(_ => _pool.Rent()).ToList();
        busy.ForEach(block => block.Dispose());

        Assert.Equal(Burst / 2 - PageBlockPool.MaxRetainedBlocks, _pool.Trim());
    }

    [Fact]
    public void ABlockLargerThanAPageIsRefused() =>
        Assert.Throws<ArgumentOutOfRangeException>(() => _pool.Rent(PageBlockPool.BlockSize + 1));

    [Fact]
    public void ADisposedPoolRentsNothing()
    {
        using var outstanding = _pool.Rent();
        _pool.Dispose();

        Assert.Throws<ObjectDisposedException>(() => _pool.Rent());
    }

    [Fact]
    public async Task TheServerTrimsItsPoolsByItself()
    {
        await using var server = await TestChatServer.StartAsync();
        var pool = server.Services.GetRequiredService<PageBlockPoolFactory>().Pools.First();
        var burst = Enumerable.Range(0, Burst).Select(_ => pool.Rent()).ToList();
        burst.ForEach(block => block.Dispose());

        // Checked every second; the blocks must first stay free for a whole interval.
        for (var waited = Stopwatch.StartNew(); pool.RetainedBlocks > PageBlockPool.MaxRetainedBlocks && waited.Elapsed < TimeSpan.FromSeconds(10);)
        {
            await Task.Delay(50);
        }

        Assert.Equal(PageBlockPool.MaxRetainedBlocks, pool.RetainedBlocks);
    }

    [Fact]
    public async Task KestrelsConnectionsUseThePoolAndSendSeveralBlocksAtOnce()
    {
        await using var server = await TestChatServer.StartAsync("Flood:Burst=1000");
        var room = await server.JoinRoomAsync("ann", "bob");
        // About 24 KiB in one write: bob's outbox flushes it as one batch spanning several blocks, which the socket
        // transport sends together (as array segments).
        var lines = Enumerable.Range(0, 200).Select(i => $"{i} {new string('x', 100)}").ToArray();

        await room[0].SendRawAsync(Encoding.ASCII.GetBytes(string.Concat(lines.Select(line => line + "\n"))));

        Assert.Equal(lines.Select(line => "ann: " + line), await room[1].ReadLinesAsync(lines.Length));
        var pools = server.Services.GetRequiredService<PageBlockPoolFactory>().Pools;
        Assert.Contains(pools, pool => pool.RetainedBlocks > 0);
    }
}
