using System.Globalization;
using System.Text.Json;
using ChatRoom.LoadGen.Load;
using ChatRoom.LoadGen.Reporting;
using ChatRoom.LoadGen.Scenarios;
using ChatRoom.LoadGen.Targets;

namespace ChatRoom.LoadGen.Hosting;

/// <summary>
/// Runs every chosen scenario against every chosen server, ChatRoom then ncat for each scenario so that both see the
/// machine in the same state, then prints the table and saves the JSON. Partial results are kept on Ctrl+C and
/// when the overall deadline strikes.
/// </summary>
public static class LoadGenApp
{
    public static async Task<int> RunAsync(LoadGenSettings settings, CancellationToken cancellationToken)
    {
        if (settings.Targets.HasFlag(TargetChoice.ChatRoom) && !File.Exists(settings.ServerPath))
        {
            await Console.Error.WriteLineAsync(
                $"{settings.ServerPath} not found: build it with 'dotnet build ChatRoom.Server -c Release', or pass --server").ConfigureAwait(false);
            return 2;
        }

        var startedUtc = DateTimeOffset.UtcNow;
        var machine = MachineInfo.Current(OpenFilesLimit.Current());
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"{machine.ProcessorCount} cores, {machine.MemoryBytes / (1 << 30)} GiB, open files {machine.OpenFilesLimit}, {machine.Runtime}; " +
            $"warmup {Durations.Format(settings.Warmup)}, window {Durations.Format(settings.Duration)}, {settings.MessageBytes}-byte messages"));

        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        deadline.CancelAfter(settings.Deadline);
        var runner = new ScenarioRunner(settings);
        var runs = new List<RunResult>();
        foreach (var scenario in settings.Scenarios)
        {
            foreach (var target in Targets(settings))
            {
                runs.Add(await RunOneAsync(runner, scenario, target, settings, deadline.Token, cancellationToken).ConfigureAwait(false));
            }
        }

        var comparisons = Comparison.Of(runs);
        ResultsTable.Write(Console.Out, runs, comparisons);
        var report = new BenchReport(startedUtc, DateTimeOffset.UtcNow, machine, RunSettings.From(settings), runs, comparisons);
        await SaveAsync(report, settings.Output).ConfigureAwait(false);
        Console.WriteLine();
        Console.WriteLine($"Results saved to {settings.Output}");
        return cancellationToken.IsCancellationRequested ? 130 : 0;
    }

    private static async Task<RunResult> RunOneAsync(ScenarioRunner runner, Scenario scenario, ITarget target,
        LoadGenSettings settings, CancellationToken deadline, CancellationToken cancellationToken)
    {
        if (!deadline.IsCancellationRequested)
        {
            Console.WriteLine($"{scenario.Name} {target.Name}: {scenario.Description}");
            try
            {
                return await runner.RunAsync(scenario, target, deadline).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (deadline.IsCancellationRequested)
            {
                // Reported like the runs that never started.
            }
        }

        return new RunResult(scenario, target.Name)
        {
            Error = cancellationToken.IsCancellationRequested ? "cancelled" : $"overall deadline of {Durations.Format(settings.Deadline)} reached",
        };
    }

    private static IEnumerable<ITarget> Targets(LoadGenSettings settings)
    {
        if (settings.Targets.HasFlag(TargetChoice.ChatRoom))
        {
            yield return new ChatRoomTarget(settings.ServerPath);
        }

        if (settings.Targets.HasFlag(TargetChoice.Ncat))
        {
            yield return new NcatTarget(settings.Ncat);
        }

        if (settings.Targets.HasFlag(TargetChoice.Ngircd))
        {
            yield return new NgircdTarget(settings.Ngircd);
        }
    }

    private static async Task SaveAsync(BenchReport report, string path)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(path))!);
        var file = File.Create(path);
        await using (file.ConfigureAwait(false))
        {
            await JsonSerializer.SerializeAsync(file, report, ResultsJsonContext.Default.BenchReport).ConfigureAwait(false);
        }
    }
}
