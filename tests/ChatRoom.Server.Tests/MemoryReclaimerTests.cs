using ChatRoom.Server.Connections;

namespace ChatRoom.Server.Tests;

/// <summary>When the server decides a wave of connections has gone and collects (the storm itself: AbuseTests).</summary>
public sealed class MemoryReclaimerTests
{
    [Theory]
    [InlineData(1_016, 16, 500, true)]   // a storm of 1,000 came and went
    [InlineData(10_000, 5_000, 500, true)] // half the room left at once
    [InlineData(1_000, 500, 500, true)]  // exactly the minimum drop, and exactly half left
    [InlineData(1_000, 501, 500, false)] // one short of the minimum drop
    [InlineData(1_200, 601, 500, false)] // enough left, but one more than half remains
    [InlineData(10_000, 6_000, 500, false)] // many left, but most are still here: their memory is in use
    [InlineData(400, 0, 500, false)]     // a small room emptied: too little to be worth a full collection
    [InlineData(1_016, 16, 0, false)]    // turned off
    public void AWaveHasGoneWhenEnoughLeftAndAtMostHalfRemain(int peak, int open, int minimumDrop, bool expected) =>
        Assert.Equal(expected, MemoryReclaimer.WaveHasGone(peak, open, minimumDrop));
}
