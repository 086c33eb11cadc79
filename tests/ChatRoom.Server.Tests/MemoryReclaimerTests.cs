using ChatRoom.Server.Memory;

namespace ChatRoom.Server.Tests;

/// <summary>When the server decides a wave of connections has come or gone and collects (a storm itself: AbuseTests).</summary>
public sealed class MemoryReclaimerTests
{
    [Theory]
    [InlineData(16, 1_016, 16, 16, 500, true)]          // a storm of 1,000 came and went between two looks
    [InlineData(16, 1_016, 1_016, 16, 500, false)]      // ... and is still going: the count fell by 1,000 since the last look
    [InlineData(16, 10_016, 10_016, 10_016, 500, true)] // 10,000 joined and the count has settled
    [InlineData(16, 10_016, 9_900, 10_016, 500, false)] // still joining: 116 since the last look
    [InlineData(16, 10_016, 9_970, 10_016, 500, true)]  // 46 since the last look: under a tenth of 500, settled
    [InlineData(10_000, 10_000, 9_500, 9_500, 500, true)] // 500 left since the last collection, exactly the minimum
    [InlineData(10_000, 10_000, 9_501, 9_501, 500, false)] // one short
    [InlineData(0, 499, 499, 499, 500, false)]           // a room of 499: too little to be worth a full collection
    [InlineData(10_000, 10_400, 9_700, 9_700, 500, true)] // 700 left since the most there were, though only 300 below the last collection
    [InlineData(16, 1_016, 16, 16, 0, false)]            // turned off
    public void CollectsOnceAWaveHasComeOrGoneAndTheCountHasSettled(int baseline, int highest, int previous, int open, int minimumChange, bool expected) =>
        Assert.Equal(expected, MemoryReclaimer.WaveHasSettled(baseline, highest, previous, open, minimumChange));
}
