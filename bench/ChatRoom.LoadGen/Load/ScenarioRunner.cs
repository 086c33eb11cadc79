using System.ComponentModel;
using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using ChatRoom.LoadGen.Hosting;
using ChatRoom.LoadGen.Reporting;
using ChatRoom.LoadGen.Scenarios;
using ChatRoom.LoadGen.Targets;

namespace ChatRoom.LoadGen.Load;

/// <summary>
/// One scenario against one server (or, with <c>--servers</c>, several sharing one room through Redis): start it, open
/// and join the swarm, drain the join backlog, then either measure idle memory or drive the senders through warmup and
/// the window. The servers are killed before this returns, before the swarm closes: thousands of leave announcements
/// are not part of any measurement.
/// </summary>
public sealed class ScenarioRunner(LoadGenSettings settings)
{
    // An idle run (and the storm campaign) takes its baseline after these, so that the server's one-time costs
    // (JIT, pools, first allocations) are not charged to the connections measured.
    internal const int PrimerConnections = 16;

    // Room under ncat's --max-conns for the readiness probe and a spare.
    private const int SpareConnections = 8;

    // How long after the window closes the last deliveries may take to arrive.
    private static readonly TimeSpan Grace = TimeSpan.FromSeconds(5);

    // Lets an idle server finish what the join storm left (flushes, timers) before its memory is read.
    private static readonly TimeSpan IdleSettle = TimeSpan.FromSeconds(2);

    private static readonly TimeSpan PollInterval = TimeSpan.FromMilliseconds(50);

    private readonly AbuseCampaigns _campaigns = new(settings);

    public async Task<RunResult> RunAsync(Scenario scenario, ITarget target, CancellationToken cancellationToken)
    {
        var result = new RunResult(scenario, target.Name);
        if (scenario.IsCampaign)
        {
            if (target is not ChatRoomTarget chatRoom)
            {
                result.NotApplicable = "not applicable: the abuse campaigns measure ChatRoom's protections";
                return result;
            }

            // The flood campaign measures the flood gate itself: the server keeps its defaults.
            target = scenario.Campaign == Campaign.Flood ? chatRoom.WithDefaultFloodControl() : chatRoom;
        }

        if (settings.Servers > 1 && (scenario.IsCampaign || scenario.IsIdle || target is not ChatRoomTarget))
        {
            result.NotApplicable = "not applicable with --servers: it measures ChatRoom's load across servers";
            return result;
        }

        var connections = scenario.IsCampaign ? AbuseCampaigns.Connections(scenario) : scenario.Clients + (scenario.IsIdle ? PrimerConnections : 0);
        if (OpenFilesLimit.Check(connections) is { } tooMany)
        {
            result.Error = tooMany;
            return result;
        }

        using var inFlight = scenario.IsSaturation ? new InFlightLimiter(scenario.Senders, scenario.Window) : null;
        using var ledger = new DeliveryLedger(target.RecipientsPerMessage(connections), observer: connections - 1, inFlight,
            settings.Servers, scenario.IsCampaign ? 0 : connections);
        var endpoints = ServerFleet.Addresses(settings.Servers);
        await using var swarm = new Swarm(target, endpoints, ledger);
        await using var progress = new ProgressReporter($"{scenario.Name} {target.Name}", ledger, swarm);
        var started = Stopwatch.GetTimestamp();
        ServerFleet? fleet = null;
        try
        {
            using var setup = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            setup.CancelAfter(settings.SetupTimeout);
            fleet = await ServerFleet.StartAsync(target, settings, endpoints, connections + SpareConnections, setup.Token).ConfigureAwait(false);
            var server = fleet.Primary;
            if (scenario.IsCampaign)
            {
                // Each campaign bounds its own joins by the setup timeout and its own waits.
                await _campaigns.RunAsync(scenario, server, swarm, ledger, progress, result, cancellationToken).ConfigureAwait(false);
                if (scenario.Campaign != Campaign.Shutdown && server.Exited.IsCompleted)
                {
                    result.Error = server.DescribeExit();
                }

                return result;
            }

            var baseline = await UnlessServerExitsAsync(fleet, SetUpAsync(scenario, server, swarm, connections, progress, setup.Token), setup)
                .ConfigureAwait(false);
            result.SetupSeconds = Stopwatch.GetElapsedTime(started).TotalSeconds;
            if (baseline is { } before)
            {
                await MeasureIdleAsync(scenario, server, before, progress, result, cancellationToken).ConfigureAwait(false);
            }
            else
            {
                await MeasureLoadAsync(scenario, fleet, swarm, ledger, inFlight, progress, result, cancellationToken).ConfigureAwait(false);
            }

            if (fleet.Exited.IsCompleted)
            {
                result.Error = fleet.DescribeExit();
            }
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            result.Error = $"setup did not finish within {Durations.Format(settings.SetupTimeout)}";
        }
        catch (Exception e) when (e is RunFailedException or JoinFailedException or SocketException or IOException or Win32Exception)
        {
            // A refused or reset connection is usually the server dying: say so rather than what the socket saw.
            result.Error = fleet is not null && await HasExitedAsync(fleet).ConfigureAwait(false) ? fleet.DescribeExit() : e.Message;
        }
        finally
        {
            result.ConnectionsJoined = swarm.Joined;
            result.ConnectionsClosed = ledger.Closed;
            if (result.Error is not null && result.SetupSeconds == 0)
            {
                // Failed while setting up: how far it got is the finding (ncat stops at about 1,020 clients).
                result.SetupSeconds = Stopwatch.GetElapsedTime(started).TotalSeconds;
                result.Error += $" ({swarm.Joined:N0} of {connections:N0} connections joined after {result.SetupSeconds:0.0} s)";
            }

            if (fleet is not null)
            {
                await fleet.DisposeAsync().ConfigureAwait(false);
            }
        }

        return result;
    }

    /// <summary>Joins everyone and drains the backlog; an idle run returns the server's baseline sample.</summary>
    private static async Task<ProcessSample?> SetUpAsync(
        Scenario scenario, ServerProcess server, Swarm swarm, int connections, ProgressReporter progress, CancellationToken cancellationToken)
    {
        progress.Phase = "joining";
        ProcessSample? baseline = null;
        if (scenario.IsIdle)
        {
            await swarm.GrowAsync(PrimerConnections, cancellationToken).ConfigureAwait(false);
            await swarm.DrainAsync(cancellationToken).ConfigureAwait(false);
            baseline = server.Sample();
        }

        await swarm.GrowAsync(connections, cancellationToken).ConfigureAwait(false);
        progress.Phase = "draining";
        await swarm.DrainAsync(cancellationToken).ConfigureAwait(false);
        return baseline;
    }

    private static async Task MeasureIdleAsync(
        Scenario scenario, ServerProcess server, ProcessSample before, ProgressReporter progress, RunResult result, CancellationToken cancellationToken)
    {
        progress.Phase = "idle";
        await Task.Delay(IdleSettle, cancellationToken).ConfigureAwait(false);
        var after = server.Sample();
        result.RssBeforeBytes = before.RssBytes;
        result.ServerRssBytes = after.RssBytes;
        result.ServerPeakRssBytes = after.PeakRssBytes;
        result.RssPerIdleConnectionBytes = (after.RssBytes - before.RssBytes) / (double)scenario.Clients;
    }

    private async Task MeasureLoadAsync(Scenario scenario, ServerFleet server, Swarm swarm, DeliveryLedger ledger,
        InFlightLimiter? inFlight, ProgressReporter progress, RunResult result, CancellationToken cancellationToken)
    {
        var window = MeasurementWindow.After(settings.Warmup, settings.Duration);
        ledger.Open(window);
        using var sending = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        progress.Phase = "warmup";
        var senders = StartSenders(scenario, swarm, ledger, window, inFlight, sending.Token);

        await DelayUntilAsync(window.Start, cancellationToken).ConfigureAwait(false);
        var (serverBefore, selfBefore, machineBefore, before) =
            (server.Sample(), ProcessSample.Read(Environment.ProcessId), MachineCpu.Busy(), Stopwatch.GetTimestamp());
        var (eachBefore, redisBefore) = (server.Servers.Select(each => each.Sample()).ToArray(), server.Redis?.Sample());
        progress.Phase = "measuring";
        await DelayUntilAsync(window.End, cancellationToken).ConfigureAwait(false);
        var (serverAfter, selfAfter, machineAfter, after) =
            (server.Sample(), ProcessSample.Read(Environment.ProcessId), MachineCpu.Busy(), Stopwatch.GetTimestamp());
        var (eachAfter, redisAfter) = (server.Servers.Select(each => each.Sample()).ToArray(), server.Redis?.Sample());

        progress.Phase = "grace";
        await sending.CancelAsync().ConfigureAwait(false);
        try
        {
            await Task.WhenAll(senders).WaitAsync(Grace, cancellationToken).ConfigureAwait(false);
        }
        catch (TimeoutException)
        {
            throw new RunFailedException($"senders were still blocked writing {Durations.Format(Grace)} after the window closed");
        }

        await WaitForDeliveriesAsync(ledger, cancellationToken).ConfigureAwait(false);

        var measured = Stopwatch.GetElapsedTime(before, after).TotalSeconds;
        var serverCpu = (serverAfter.Cpu - serverBefore.Cpu).TotalSeconds;
        var arrived = ledger.DeliveredDuringWindow;
        result.WindowSeconds = window.Length.TotalSeconds;
        result.MessagesSent = ledger.SentInWindow;
        result.DeliveriesOwed = ledger.Owed;
        result.DeliveriesReceived = ledger.DeliveredOfWindow;
        result.DeliveryRatio = ledger.Owed > 0 ? ledger.DeliveredOfWindow / (double)ledger.Owed : null;
        result.DeliveriesPerSecond = arrived / window.Length.TotalSeconds;
        var latency = ledger.Latency();
        result.Latency = latency.Count > 0 ? latency.Summarize() : null;
        result.ServerCpuPercent = 100 * serverCpu / measured;
        result.ServerCpuSecondsPerMillionDeliveries = arrived > 0 ? serverCpu / (arrived / 1e6) : null;
        result.ServerSystemCpuShare = serverCpu > 0 ? 100 * (serverAfter.SystemCpu - serverBefore.SystemCpu).TotalSeconds / serverCpu : null;
        var generatorCpu = (selfAfter.Cpu - selfBefore.Cpu).TotalSeconds;
        var redisCpu = redisAfter is { } redis ? (redis.Cpu - redisBefore!.Value.Cpu).TotalSeconds : 0;
        result.GeneratorCpuPercent = 100 * generatorCpu / measured;
        result.OtherCpuPercent = Math.Max(0, 100 * ((machineAfter - machineBefore).TotalSeconds - serverCpu - generatorCpu - redisCpu) / measured);
        if (server.Servers.Count > 1)
        {
            var crossServer = ledger.CrossServerLatency();
            result.Fleet = new FleetFigures(
                server.Servers.Count,
                [.. eachAfter.Select((sample, i) => 100 * (sample.Cpu - eachBefore[i].Cpu).TotalSeconds / measured)],
                100 * redisCpu / measured,
                arrived > 0 ? redisCpu / (arrived / 1e6) : null,
                crossServer.Count > 0 ? crossServer.Summarize() : null,
                ledger.SameOrderEverywhere());
        }
        result.ServerRssBytes = serverAfter.RssBytes;
        result.ServerPeakRssBytes = serverAfter.PeakRssBytes;
    }

    private List<Task> StartSenders(Scenario scenario, Swarm swarm, DeliveryLedger ledger, MeasurementWindow window,
        InFlightLimiter? inFlight, CancellationToken cancellationToken)
    {
        var senders = new List<Task>(scenario.Senders);
        for (var index = 0; index < scenario.Senders; index++)
        {
            var sender = new Sender(swarm[index], swarm.Target.MessagePrefix, settings.MessageBytes, ledger, window);
            // Paced senders are spread evenly over one period, so the server sees a steady stream, not bursts.
            senders.Add(inFlight is not null
                ? sender.RunWindowedAsync(inFlight, cancellationToken)
                : sender.RunPacedAsync(scenario.RatePerSender, TimeSpan.FromSeconds(index / (scenario.RatePerSender * scenario.Senders)), cancellationToken));
        }

        return senders;
    }

    private static async Task WaitForDeliveriesAsync(DeliveryLedger ledger, CancellationToken cancellationToken)
    {
        var waiting = Stopwatch.GetTimestamp();
        while (ledger.DeliveredOfWindow < ledger.Owed && Stopwatch.GetElapsedTime(waiting) < Grace)
        {
            await Task.Delay(PollInterval, cancellationToken).ConfigureAwait(false);
        }
    }

    private static Task DelayUntilAsync(long timestamp, CancellationToken cancellationToken)
    {
        var remaining = Stopwatch.GetElapsedTime(Stopwatch.GetTimestamp(), timestamp);
        return remaining > TimeSpan.Zero ? Task.Delay(remaining, cancellationToken) : Task.CompletedTask;
    }

    /// <summary>Awaits <paramref name="work"/>, but fails as soon as a server exits rather than at the timeout.</summary>
    private static async Task<T> UnlessServerExitsAsync<T>(ServerFleet server, Task<T> work, CancellationTokenSource cancel)
    {
        if (await Task.WhenAny(work, server.Exited).ConfigureAwait(false) != work)
        {
            await cancel.CancelAsync().ConfigureAwait(false);
            await ((Task)work).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
            throw new RunFailedException(server.DescribeExit());
        }

        return await work.ConfigureAwait(false);
    }

    /// <summary>Whether a server has exited or does within a second (its exit may trail a refused connection).</summary>
    private static async Task<bool> HasExitedAsync(ServerFleet server)
    {
        await server.Exited.WaitAsync(TimeSpan.FromSeconds(1)).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        return server.Exited.IsCompleted;
    }
}
