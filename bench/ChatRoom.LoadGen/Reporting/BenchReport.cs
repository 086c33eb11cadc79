using System.Runtime.InteropServices;
using ChatRoom.LoadGen.Hosting;

namespace ChatRoom.LoadGen.Reporting;

/// <summary>The JSON file a run leaves behind.</summary>
public sealed record BenchReport(
    DateTimeOffset StartedUtc,
    DateTimeOffset FinishedUtc,
    MachineInfo Machine,
    RunSettings Settings,
    IReadOnlyList<RunResult> Runs,
    IReadOnlyList<Comparison> Comparisons);

/// <summary>The machine the figures came from.</summary>
public sealed record MachineInfo(int ProcessorCount, long MemoryBytes, string Os, string Runtime, long OpenFilesLimit)
{
    public static MachineInfo Current(long openFilesLimit) => new(
        Environment.ProcessorCount,
        GC.GetGCMemoryInfo().TotalAvailableMemoryBytes,
        RuntimeInformation.OSDescription,
        RuntimeInformation.FrameworkDescription,
        openFilesLimit);
}

/// <summary>The settings that shape the figures.</summary>
public sealed record RunSettings(double WarmupSeconds, double DurationSeconds, int MessageBytes, string Targets, int Servers)
{
    public static RunSettings From(LoadGenSettings settings) => new(
        settings.Warmup.TotalSeconds, settings.Duration.TotalSeconds, settings.MessageBytes, settings.Targets.ToString().ToLowerInvariant(),
        settings.Servers);
}
