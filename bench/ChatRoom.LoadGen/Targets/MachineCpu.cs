using System.Globalization;

namespace ChatRoom.LoadGen.Targets;

/// <summary>
/// CPU time the whole machine has spent busy (all cores, everything but idle and iowait), from the first line of
/// <c>/proc/stat</c>. Over a window, busy − server − generator is what other processes took: a measurement made on
/// a shared machine says how shared it was.
/// </summary>
public static class MachineCpu
{
    private const double ClockTicksPerSecond = 100;

    public static TimeSpan Busy()
    {
        // "cpu  user nice system idle iowait irq softirq steal guest guest_nice"; guest time is already in user.
        var fields = File.ReadLines("/proc/stat").First().Split(' ', StringSplitOptions.RemoveEmptyEntries);
        var ticks = fields.Skip(1).Take(8).Select(field => long.Parse(field, CultureInfo.InvariantCulture)).ToArray();
        var busy = ticks.Sum() - ticks[3] - ticks[4];
        return TimeSpan.FromSeconds(busy / ClockTicksPerSecond);
    }
}
