using System.Diagnostics;
using System.Globalization;
using System.Text;
using ChatRoom.LoadGen.Hosting;
using ChatRoom.LoadGen.Reporting;
using ChatRoom.LoadGen.Scenarios;
using ChatRoom.LoadGen.Targets;

namespace ChatRoom.LoadGen.Load;

/// <summary>
/// The abuse campaigns of docs/security.md, measured from outside the server it started: a storm of connections that
/// join and are reset at once (resident memory), SIGTERM with every client joined (time to exit and to every
/// connection closed), and one client flooding under the default flood settings. ChatRoom only. Every wait is bounded.
/// </summary>
public sealed class AbuseCampaigns(LoadGenSettings settings)
{
    private static readonly TimeSpan InitialSettle = TimeSpan.FromSeconds(2);
    // ChatRoom collects once the count of connections has held steady for a second after a wave (ChatOptions.ReclaimMemoryAfterChange).
    private static readonly TimeSpan RoundSettle = TimeSpan.FromSeconds(5);
    private static readonly TimeSpan FinalSettle = TimeSpan.FromSeconds(20);
    private static readonly TimeSpan ReplyTimeout = TimeSpan.FromSeconds(5);
    private static readonly TimeSpan ShutdownTimeout = TimeSpan.FromSeconds(30);
    private static readonly TimeSpan FloodTimeout = TimeSpan.FromSeconds(60);
    private static readonly TimeSpan PollInterval = TimeSpan.FromMilliseconds(5);
    private static readonly byte[] ShutdownLine = "Server is shutting down."u8.ToArray();
    private static readonly byte[] ErrorPrefix = Encoding.ASCII.GetBytes(ChatRoom.Protocol.Events.PlainText.ErrorPrefix);

    // Storm: joined before the baseline and kept to the end; connection 0 is the observer that asks /who.
    private const int Primers = ScenarioRunner.PrimerConnections;
    private const int FloodLines = 5_000;
    private const int Observer = 0;
    private const int Flooder = 1;
    private const double MiB = 1024 * 1024;

    /// <summary>Connections open at most at once.</summary>
    public static int Connections(Scenario scenario) => scenario.Campaign == Campaign.Storm ? Primers + scenario.Clients : scenario.Clients;

    public Task RunAsync(Scenario scenario, ServerProcess server, Swarm swarm, DeliveryLedger ledger, ProgressReporter progress,
        RunResult result, CancellationToken cancellationToken) => scenario.Campaign switch
    {
        Campaign.Storm => StormAsync(scenario, server, swarm, ledger, progress, result, cancellationToken),
        Campaign.Shutdown => ShutdownAsync(scenario, server, swarm, ledger, progress, result, cancellationToken),
        Campaign.Flood => FloodAsync(scenario, swarm, ledger, progress, result, cancellationToken),
        _ => throw new ArgumentOutOfRangeException(nameof(scenario), scenario.Campaign, "not an abuse campaign"),
    };

    private async Task StormAsync(Scenario scenario, ServerProcess server, Swarm swarm, DeliveryLedger ledger, ProgressReporter progress,
        RunResult result, CancellationToken cancellationToken)
    {
        await JoinAsync(swarm, Primers, progress, cancellationToken).ConfigureAwait(false);
        progress.Phase = "settle";
        await Task.Delay(InitialSettle, cancellationToken).ConfigureAwait(false);
        var baseline = server.Sample().RssBytes / MiB;
        Say(scenario, $"baseline with {Primers} primers joined: RSS {baseline:0.0} MiB");

        var rounds = new List<double>(settings.StormRounds);
        for (var round = 1; round <= settings.StormRounds; round++)
        {
            var first = swarm.Count;
            await JoinAsync(swarm, first + scenario.Clients, progress, cancellationToken, drain: false).ConfigureAwait(false);
            progress.Phase = "reset";
            swarm.Reset(first, scenario.Clients);
            progress.Phase = "settle";
            await Task.Delay(RoundSettle, cancellationToken).ConfigureAwait(false);
            rounds.Add(server.Sample().RssBytes / MiB);
            Say(scenario, $"round {round}/{settings.StormRounds}: {scenario.Clients:N0} joined and reset; RSS {rounds[^1]:0.0} MiB {RoundSettle.TotalSeconds:0} s later");
        }

        await Task.Delay(FinalSettle, cancellationToken).ConfigureAwait(false);
        var final = server.Sample().RssBytes / MiB;
        Say(scenario, $"RSS {final:0.0} MiB {FinalSettle.TotalSeconds:0} s after the last round");

        progress.Phase = "who";
        var who = await AskAsync(swarm, ledger, Observer, "/who\n"u8.ToArray(), "Users here (", cancellationToken).ConfigureAwait(false);
        var listed = who is null ? null : who[(who.IndexOf(": ", StringComparison.Ordinal) + 2)..].Split(", ", StringSplitOptions.RemoveEmptyEntries);
        var stayed = Enumerable.Range(0, Primers).Select(ChatRoomTarget.Nickname).ToHashSet(StringComparer.Ordinal);
        var onlyThoseWhoStayed = listed is not null && listed.Length == stayed.Count && stayed.SetEquals(listed);
        Say(scenario, who is null ? $"no reply to /who within {ReplyTimeout.TotalSeconds:0} s" : $"/who lists {listed!.Length} ({(onlyThoseWhoStayed ? "the observer and the primers, nobody else" : "NOT only the observer and the primers")})");
        result.Storm = new StormFigures(settings.StormRounds, scenario.Clients, Primers, baseline, rounds, final, FinalSettle.TotalSeconds,
            listed?.Length, onlyThoseWhoStayed);
        if (!onlyThoseWhoStayed)
        {
            result.Error = who is null ? "no reply to /who" : $"/who after the storms: {Shorten(who)}";
        }
    }

    private async Task ShutdownAsync(Scenario scenario, ServerProcess server, Swarm swarm, DeliveryLedger ledger, ProgressReporter progress,
        RunResult result, CancellationToken cancellationToken)
    {
        await JoinAsync(swarm, scenario.Clients, progress, cancellationToken).ConfigureAwait(false);
        var lastIsShutdown = new bool[scenario.Clients];
        ledger.Tap((receiver, line) => lastIsShutdown[receiver] = line.SequenceEqual(ShutdownLine));
        var closedBefore = ledger.Closed;

        progress.Phase = "sigterm";
        var sent = Stopwatch.GetTimestamp();
        server.Terminate();
        await server.Exited.WaitAsync(ShutdownTimeout, cancellationToken).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        double? exitSeconds = server.Exited.IsCompleted ? Stopwatch.GetElapsedTime(sent).TotalSeconds : null;
        var allClosed = await PollAsync(() => ledger.Closed - closedBefore >= scenario.Clients, ShutdownTimeout, cancellationToken).ConfigureAwait(false);
        double? closedSeconds = allClosed ? Stopwatch.GetElapsedTime(sent, ledger.LastClosedTimestamp).TotalSeconds : null;
        ledger.Tap(null);

        var figures = new ShutdownFigures(scenario.Clients, exitSeconds, server.ExitCode, closedSeconds, ledger.Closed - closedBefore,
            lastIsShutdown.Count(last => last));
        Say(scenario, string.Create(CultureInfo.InvariantCulture,
            $"exit code {figures.ExitCode?.ToString(CultureInfo.InvariantCulture) ?? "-"} after {exitSeconds:0.000} s; {figures.Closed:N0} of {scenario.Clients:N0} connections closed after {closedSeconds:0.000} s; {figures.GotShutdownLineLast:N0} got 'Server is shutting down.' last"));
        result.Shutdown = figures;
        if (exitSeconds is null || !allClosed)
        {
            result.Error = $"not shut down within {ShutdownTimeout.TotalSeconds:0} s of SIGTERM";
        }
    }

    private async Task FloodAsync(Scenario scenario, Swarm swarm, DeliveryLedger ledger, ProgressReporter progress, RunResult result, CancellationToken cancellationToken)
    {
        await JoinAsync(swarm, 2, progress, cancellationToken).ConfigureAwait(false);
        var nickname = ChatRoomTarget.Nickname(Flooder);
        var broadcastPrefix = Encoding.ASCII.GetBytes($"{nickname}: ");
        var leave = Encoding.ASCII.GetBytes($"{nickname} left the chat!");
        var (broadcast, sawLeave, lastError) = (0, false, (string?)null);
        ledger.Tap((receiver, line) =>
        {
            if (receiver == Observer && line.StartsWith(broadcastPrefix))
            {
                Interlocked.Increment(ref broadcast);
            }
            else if (receiver == Observer && line.SequenceEqual(leave))
            {
                Volatile.Write(ref sawLeave, true);
            }
            else if (receiver == Flooder && line.StartsWith(ErrorPrefix))
            {
                Volatile.Write(ref lastError, Encoding.UTF8.GetString(line));
            }
        });

        progress.Phase = "flooding";
        var closedBefore = ledger.Closed;
        var started = Stopwatch.GetTimestamp();
        var written = await FloodAsync(swarm[Flooder], cancellationToken).ConfigureAwait(false);
        var disconnected = await PollAsync(() => ledger.Closed > closedBefore, FloodTimeout, cancellationToken).ConfigureAwait(false);
        double? seconds = disconnected ? Stopwatch.GetElapsedTime(started, ledger.LastClosedTimestamp).TotalSeconds : null;
        await PollAsync(() => Volatile.Read(ref sawLeave), ReplyTimeout, cancellationToken).ConfigureAwait(false);
        ledger.Tap(null);

        var lines = Volatile.Read(ref broadcast);
        var figures = new FloodFigures(written, lines, seconds, seconds > 0 ? lines / seconds : null, Volatile.Read(ref lastError), Volatile.Read(ref sawLeave));
        Say(scenario, string.Create(CultureInfo.InvariantCulture,
            $"{written:N0} lines written; {lines:N0} broadcast, then disconnected after {seconds:0.00} s ({figures.BroadcastLinesPerSecond:0.0} lines/s); last: {figures.LastError ?? "-"}; observer saw the leave: {(figures.ObserverSawLeave ? "yes" : "no")}"));
        result.Flood = figures;
        if (!disconnected)
        {
            result.Error = $"the flooder was not disconnected within {FloodTimeout.TotalSeconds:0} s";
        }
    }

    /// <summary>Writes short lines as fast as the socket takes them until the server closes it; how many were written.</summary>
    private static async Task<int> FloodAsync(LoadConnection flooder, CancellationToken cancellationToken)
    {
        using var writing = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        writing.CancelAfter(FloodTimeout);
        var written = 0;
        try
        {
            for (; written < FloodLines; written++)
            {
                await flooder.SendAsync(Encoding.ASCII.GetBytes(string.Create(CultureInfo.InvariantCulture, $"flood {written:D5}\n")), writing.Token)
                    .ConfigureAwait(false);
            }
        }
        catch (Exception e) when (e is IOException or System.Net.Sockets.SocketException
                                      || (e is OperationCanceledException && !cancellationToken.IsCancellationRequested))
        {
            // Disconnected for flooding, or the socket stopped taking lines for the whole timeout.
        }

        return written;
    }

    /// <summary>Joins (and drains) connections until there are <paramref name="total"/>, within the setup timeout.</summary>
    private async Task JoinAsync(Swarm swarm, int total, ProgressReporter progress, CancellationToken cancellationToken, bool drain = true)
    {
        using var setup = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        setup.CancelAfter(settings.SetupTimeout);
        progress.Phase = "joining";
        await swarm.GrowAsync(total, setup.Token).ConfigureAwait(false);
        if (drain)
        {
            progress.Phase = "draining";
            await swarm.DrainAsync(setup.Token).ConfigureAwait(false);
        }
    }

    /// <summary>Sends a command on one connection and returns the first reply line that starts with <paramref name="replyPrefix"/>, or null.</summary>
    private static async Task<string?> AskAsync(Swarm swarm, DeliveryLedger ledger, int connection, byte[] command, string replyPrefix,
        CancellationToken cancellationToken)
    {
        var reply = new TaskCompletionSource<string>(TaskCreationOptions.RunContinuationsAsynchronously);
        var prefix = Encoding.UTF8.GetBytes(replyPrefix);
        ledger.Tap((receiver, line) =>
        {
            if (receiver == connection && line.StartsWith(prefix))
            {
                reply.TrySetResult(Encoding.UTF8.GetString(line));
            }
        });
        try
        {
            await swarm[connection].SendAsync(command, cancellationToken).ConfigureAwait(false);
            return await reply.Task.WaitAsync(ReplyTimeout, cancellationToken).ConfigureAwait(false);
        }
        catch (TimeoutException)
        {
            return null;
        }
        finally
        {
            ledger.Tap(null);
        }
    }

    /// <summary>Waits until <paramref name="done"/> holds or <paramref name="timeout"/> passes; whether it holds.</summary>
    private static async Task<bool> PollAsync(Func<bool> done, TimeSpan timeout, CancellationToken cancellationToken)
    {
        var waiting = Stopwatch.GetTimestamp();
        while (!done())
        {
            if (Stopwatch.GetElapsedTime(waiting) >= timeout)
            {
                return false;
            }

            await Task.Delay(PollInterval, cancellationToken).ConfigureAwait(false);
        }

        return true;
    }

    private static void Say(Scenario scenario, string text) => Console.WriteLine($"  [{scenario.Name} chatroom] {text}");

    private static string Shorten(string text) => text.Length <= 200 ? text : text[..200] + "…";
}
