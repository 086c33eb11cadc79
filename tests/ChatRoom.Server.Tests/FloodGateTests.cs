using System.Diagnostics;
using ChatRoom.Server.Options;
using ChatRoom.Server.Sessions;

namespace ChatRoom.Server.Tests;

/// <summary>
/// <see cref="FloodGate"/>'s arithmetic with hand-made timestamps: a burst of 4 lines, then 2 a second, and a client
/// still flooding after 3 delayed lines in a row is disconnected.
/// </summary>
public sealed class FloodGateTests
{
    private static readonly FloodOptions Options = new() { Burst = 4, LinesPerSecond = 2, MaxDelayedLines = 3 };

    private FloodGate _gate = new(Options);

    // Taken after the gate was made, so that no line arrives before the bucket was filled.
    private readonly long _start = Stopwatch.GetTimestamp();

    [Fact]
    public void BurstPassesAtOnce()
    {
        for (var i = 0; i < Options.Burst; i++)
        {
            Assert.Equal(default, _gate.Admit(At(0)));
        }
    }

    [Fact]
    public void LineBeyondTheBurstWaitsForItsTokenAndSaysSoOnce()
    {
        Burst(at: 0);

        Assert.Equal(new FloodGate.Verdict(TimeSpan.FromSeconds(0.5), StartsThrottling: true, Disconnect: false), _gate.Admit(At(0)));
        Assert.Equal(new FloodGate.Verdict(TimeSpan.FromSeconds(1), StartsThrottling: false, Disconnect: false), _gate.Admit(At(0)));
    }

    [Fact]
    public void TokensComeBackWithTimeUpToTheBurst()
    {
        Burst(at: 0);

        Assert.Equal(default, _gate.Admit(At(0.5)));

        // A minute of silence refills the bucket to the burst, no further.
        Burst(at: 60);
        Assert.True(_gate.Admit(At(60)).Delay > TimeSpan.Zero);
    }

    [Fact]
    public void ClientStillFloodingAfterTheDelayedLinesAllowedIsDisconnected()
    {
        Burst(at: 0);

        // Each line sent as soon as the previous one was let through: always half a second late.
        for (var i = 0; i < Options.MaxDelayedLines; i++)
        {
            var verdict = _gate.Admit(At(i * 0.5));
            Assert.Equal(TimeSpan.FromSeconds(0.5), verdict.Delay);
            Assert.False(verdict.Disconnect);
        }

        Assert.True(_gate.Admit(At(Options.MaxDelayedLines * 0.5)).Disconnect);
    }

    [Fact]
    public void FloodIsOverOnlyOnceHalfTheBurstIsBack()
    {
        Burst(at: 0);
        Assert.True(_gate.Admit(At(0)).StartsThrottling);

        // One token back is the slack of a late timer, not the end of the flood: no new notice.
        _gate.Admit(At(1));
        Assert.False(_gate.Admit(At(1)).StartsThrottling);

        // Half the burst back: the client really slowed down, and its next flood is told again.
        Burst(at: 10);
        Assert.True(_gate.Admit(At(10)).StartsThrottling);
    }

    [Fact]
    public void DisabledGateNeverDelays()
    {
        var gate = new FloodGate(new FloodOptions { Enabled = false, Burst = 1, LinesPerSecond = 0.1 });

        for (var i = 0; i < 1_000; i++)
        {
            Assert.Equal(default, gate.Admit(At(0)));
        }
    }

    private long At(double seconds) => _start + (long)(seconds * Stopwatch.Frequency);

    private void Burst(double at)
    {
        for (var i = 0; i < Options.Burst; i++)
        {
            Assert.Equal(default, _gate.Admit(At(at)));
        }
    }
}
