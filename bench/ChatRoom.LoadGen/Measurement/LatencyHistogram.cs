using System.Diagnostics;
using System.Numerics;

namespace ChatRoom.LoadGen.Measurement;

/// <summary>
/// Latencies in <see cref="Stopwatch"/> ticks, HDR-style: 32 linear sub-buckets per power of two, so any value is
/// known within 1/32 (3%) in 1,920 counters whatever the count. One writer per histogram (each thread of the generator
/// records into its own; see <see cref="Load.DeliveryLedger"/>), merged with <see cref="Add"/> once recording is over.
/// </summary>
public sealed class LatencyHistogram
{
    private const int SubBucketBits = 5;
    private const int SubBuckets = 1 << SubBucketBits;

    private readonly long[] _counts = new long[(64 - SubBucketBits + 1) * SubBuckets];
    private long _count;
    private long _max;

    public long Count => _count;

    public void Record(long ticks)
    {
        ticks = Math.Max(ticks, 0);
        _counts[IndexOf(ticks)]++;
        _count++;
        _max = Math.Max(_max, ticks);
    }

    /// <summary>Adds everything <paramref name="other"/> recorded to this histogram.</summary>
    public void Add(LatencyHistogram other)
    {
        for (var index = 0; index < _counts.Length; index++)
        {
            _counts[index] += other._counts[index];
        }

        _count += other._count;
        _max = Math.Max(_max, other._max);
    }

    /// <summary>Percentiles in milliseconds, once recording has stopped.</summary>
    public LatencySummary Summarize() => new(
        Milliseconds(ValueAtQuantile(0.50)),
        Milliseconds(ValueAtQuantile(0.90)),
        Milliseconds(ValueAtQuantile(0.99)),
        Milliseconds(ValueAtQuantile(0.999)),
        Milliseconds(_max),
        Count);

    /// <summary>The upper edge of the bucket holding the value at <paramref name="quantile"/>: never under-reported.</summary>
    private long ValueAtQuantile(double quantile)
    {
        var rank = Math.Max(1, (long)Math.Ceiling(quantile * Count));
        long seen = 0;
        for (var index = 0; index < _counts.Length; index++)
        {
            seen += _counts[index];
            if (seen >= rank)
            {
                return Math.Min(UpperBound(index), _max);
            }
        }

        return _max;
    }

    private static int IndexOf(long value)
    {
        if (value < SubBuckets)
        {
            return (int)value;
        }

        var shift = 63 - BitOperations.LeadingZeroCount((ulong)value) - SubBucketBits;
        return ((shift + 1) << SubBucketBits) + (int)((value >> shift) & (SubBuckets - 1));
    }

    private static long UpperBound(int index)
    {
        if (index < SubBuckets)
        {
            return index;
        }

        var shift = (index >> SubBucketBits) - 1;
        return ((long)(SubBuckets + (index & (SubBuckets - 1)) + 1) << shift) - 1;
    }

    private static double Milliseconds(long ticks) => ticks * 1000.0 / Stopwatch.Frequency;
}
