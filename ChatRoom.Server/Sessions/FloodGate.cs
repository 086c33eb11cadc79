using System.Diagnostics;
using ChatRoom.Server.Options;

namespace ChatRoom.Server.Sessions;

/// <summary>
/// One connection's token bucket (see <see cref="FloodOptions"/>). Tokens are refilled lazily from the time
/// elapsed since the last line, so ten thousand idle connections cost no timers at all. A line that finds the
/// bucket empty borrows from the future: the debt is how long the session waits before handling it.
/// </summary>
public struct FloodGate(FloodOptions options)
{
    private double _tokens = options.Burst;
    private long _lastRefill = Stopwatch.GetTimestamp();
    private int _delayedInARow;

    /// <summary>What the session should do with the line that just arrived.</summary>
    public readonly record struct Verdict(TimeSpan Delay, bool StartsThrottling, bool Disconnect);

    public Verdict Admit(long now)
    {
        if (!options.Enabled)
        {
            return default;
        }

        var elapsed = Stopwatch.GetElapsedTime(_lastRefill, now).TotalSeconds;
        _lastRefill = now;
        _tokens = Math.Min(options.Burst, _tokens + (elapsed * options.LinesPerSecond)) - 1;
        if (_tokens >= 0)
        {
            if (_tokens >= Math.Max(1, options.Burst / 2.0))
            {
                // Half the burst back: the client has really slowed down, so a flood (if any) is over. A few tokens
                // are only the slack of delays that overran (timers run late under load), not the end of the flood.
                _delayedInARow = 0;
            }

            return default;
        }

        _delayedInARow++;
        return new Verdict(
            TimeSpan.FromSeconds(-_tokens / options.LinesPerSecond),
            StartsThrottling: _delayedInARow == 1,
            Disconnect: _delayedInARow > options.MaxDelayedLines);
    }
}
