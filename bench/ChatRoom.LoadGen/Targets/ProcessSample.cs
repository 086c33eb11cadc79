using System.Globalization;

namespace ChatRoom.LoadGen.Targets;

/// <summary>
/// A process's CPU time and memory as Linux accounts them: utime+stime from <c>/proc/&lt;pid&gt;/stat</c>, VmRSS and
/// VmHWM (peak) from <c>/proc/&lt;pid&gt;/status</c>. Read from outside, so the server needs no instrumentation.
/// </summary>
public readonly record struct ProcessSample(TimeSpan UserCpu, TimeSpan SystemCpu, long RssBytes, long PeakRssBytes)
{
    // USER_HZ: the unit of utime and stime, 100 on every Linux architecture .NET runs on.
    private const double ClockTicksPerSecond = 100;

    public TimeSpan Cpu => UserCpu + SystemCpu;

    public static ProcessSample Read(int pid)
    {
        var directory = $"/proc/{pid.ToString(CultureInfo.InvariantCulture)}";
        var stat = File.ReadAllText($"{directory}/stat");
        // The command name in parentheses may contain spaces: count fields after its closing parenthesis.
        // There, field 0 is the state (3rd field of the file), so utime (14th) is 11 and stime (15th) is 12.
        var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
        var user = long.Parse(fields[11], CultureInfo.InvariantCulture);
        var system = long.Parse(fields[12], CultureInfo.InvariantCulture);

        long rss = 0, peak = 0;
        foreach (var line in File.ReadLines($"{directory}/status"))
        {
            if (line.StartsWith("VmRSS:", StringComparison.Ordinal))
            {
                rss = Kilobytes(line);
            }
            else if (line.StartsWith("VmHWM:", StringComparison.Ordinal))
            {
                peak = Kilobytes(line);
            }
        }

        return new ProcessSample(TimeSpan.FromSeconds(user / ClockTicksPerSecond), TimeSpan.FromSeconds(system / ClockTicksPerSecond), rss, peak);
    }

    /// <summary>A line such as <c>VmRSS:	  123456 kB</c>, in bytes.</summary>
    private static long Kilobytes(string line) =>
        1024 * long.Parse(line.AsSpan(line.IndexOf(':') + 1).Trim().TrimEnd("kB").Trim(), CultureInfo.InvariantCulture);
}
