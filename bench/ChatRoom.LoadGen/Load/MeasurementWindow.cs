using System.Diagnostics;

namespace ChatRoom.LoadGen.Load;

/// <summary>
/// The measurement window in <see cref="Stopwatch"/> timestamps, fixed before any sender starts. A message belongs to
/// it by the timestamp its sender wrote into it, so senders and receivers agree on what is owed without talking.
/// </summary>
public sealed record MeasurementWindow(long Start, long End)
{
    public TimeSpan Length => Stopwatch.GetElapsedTime(Start, End);

    public static MeasurementWindow After(TimeSpan warmup, TimeSpan duration)
    {
        var start = Stopwatch.GetTimestamp() + Ticks(warmup);
        return new MeasurementWindow(start, start + Ticks(duration));
    }

    public bool Contains(long timestamp) => timestamp >= Start && timestamp < End;

    private static long Ticks(TimeSpan span) => (long)(span.TotalSeconds * Stopwatch.Frequency);
}
