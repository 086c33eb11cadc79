using System.Text.Json.Serialization;
using ChatRoom.LoadGen.Measurement;
using ChatRoom.LoadGen.Scenarios;

namespace ChatRoom.LoadGen.Reporting;

/// <summary>What one scenario measured against one server. Figures a run did not reach stay null.</summary>
public sealed class RunResult
{
    public RunResult(Scenario scenario, string target)
    {
        Scenario = scenario.Name;
        Description = scenario.Description;
        Target = target;
        Clients = scenario.Clients;
        Senders = scenario.Senders;
        Load = scenario.Load;
        IsCampaign = scenario.IsCampaign;
    }

    public string Scenario { get; }

    public string Description { get; }

    public string Target { get; }

    public int Clients { get; }

    public int Senders { get; }

    public string Load { get; }

    /// <summary>
    /// <c>ok</c>, <c>loss</c> (fewer deliveries than owed), <c>failed</c> (see <see cref="Error"/>) or <c>n/a</c>
    /// (see <see cref="NotApplicable"/>).
    /// </summary>
    public string Status => Error is not null ? "failed" : NotApplicable is not null ? "n/a" : DeliveryRatio < 1 ? "loss" : "ok";

    public string? Error { get; set; }

    /// <summary>Why this scenario was not run against this server (the abuse campaigns are ChatRoom's only).</summary>
    public string? NotApplicable { get; set; }

    /// <summary>An abuse campaign: its figures are in <see cref="Storm"/>, <see cref="Shutdown"/> or <see cref="Flood"/>.</summary>
    [JsonIgnore]
    public bool IsCampaign { get; }

    public StormFigures? Storm { get; set; }

    public ShutdownFigures? Shutdown { get; set; }

    public FloodFigures? Flood { get; set; }

    /// <summary>With <c>--servers</c>: each server's share, Redis's, and what crossed servers.</summary>
    public FleetFigures? Fleet { get; set; }

    public int ConnectionsJoined { get; set; }

    /// <summary>From starting the server to every connection joined and the join backlog drained.</summary>
    public double SetupSeconds { get; set; }

    /// <summary>Connections the server closed during the run.</summary>
    public int ConnectionsClosed { get; set; }

    public double? WindowSeconds { get; set; }

    public long? MessagesSent { get; set; }

    public long? DeliveriesOwed { get; set; }

    public long? DeliveriesReceived { get; set; }

    /// <summary>Received ÷ owed, for messages sent in the window; below 1 is loss.</summary>
    public double? DeliveryRatio { get; set; }

    /// <summary>Deliveries that arrived in the window, per second.</summary>
    public double? DeliveriesPerSecond { get; set; }

    public LatencySummary? Latency { get; set; }

    /// <summary>Server CPU (user + system) over the window, in percent of one core.</summary>
    public double? ServerCpuPercent { get; set; }

    public double? ServerCpuSecondsPerMillionDeliveries { get; set; }

    /// <summary>The part of the server's CPU spent in the kernel (system time), in percent: sockets, mostly.</summary>
    public double? ServerSystemCpuShare { get; set; }

    /// <summary>The generator's own CPU over the window, in percent of one core: it shares the machine.</summary>
    public double? GeneratorCpuPercent { get; set; }

    /// <summary>CPU that other processes took over the window, in percent of one core: 0 on a quiet machine.</summary>
    public double? OtherCpuPercent { get; set; }

    public long? ServerRssBytes { get; set; }

    public long? ServerPeakRssBytes { get; set; }

    /// <summary>Idle runs: the server's RSS before the idle connections opened.</summary>
    public long? RssBeforeBytes { get; set; }

    /// <summary>Idle runs: (RSS with the idle connections − RSS before them) ÷ their number.</summary>
    public double? RssPerIdleConnectionBytes { get; set; }
}
