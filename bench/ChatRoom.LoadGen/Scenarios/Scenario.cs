using System.Globalization;

namespace ChatRoom.LoadGen.Scenarios;

/// <summary>
/// One load shape: <see cref="Clients"/> connections, the first <see cref="Senders"/> of which send either at
/// <see cref="RatePerSender"/> messages a second each or, when <see cref="Window"/> is set, as fast as that many
/// messages in flight per sender allow. No senders: the connections stay idle and the run measures memory.
/// </summary>
public sealed record Scenario(
    string Name, string Description, int Clients, int Senders, double RatePerSender = 0, int Window = 0, Campaign Campaign = Campaign.None)
{
    public static IReadOnlyList<Scenario> All { get; } =
    [
        new("a", "100 clients, 10 senders x 20 msg/s", Clients: 100, Senders: 10, RatePerSender: 20),
        new("b", "500 clients, 50 senders x 2 msg/s", Clients: 500, Senders: 50, RatePerSender: 2),
        new("c", "saturation: 50 clients, 5 senders, 32 in flight each", Clients: 50, Senders: 5, Window: 32),
        new("d", "10,000 idle connections: memory per connection", Clients: 10_000, Senders: 0),
        new("e", "2,000 clients, 20 senders x 5 msg/s", Clients: 2_000, Senders: 20, RatePerSender: 5),
    ];

    /// <summary>
    /// The abuse campaigns of docs/security.md, ChatRoom only. Not part of <c>all</c>: they measure robustness, not
    /// load, and the storm alone takes about a minute.
    /// </summary>
    public static IReadOnlyList<Scenario> Campaigns { get; } =
    [
        new("storm", "rounds of 1,000 connections that join and are reset at once: resident memory", Clients: 1_000, Senders: 0, Campaign: Campaign.Storm),
        new("shutdown", "SIGTERM with 1,000 joined clients reading", Clients: 1_000, Senders: 0, Campaign: Campaign.Shutdown),
        new("flood", "one client writes 5,000 lines as fast as it can, default flood settings", Clients: 2, Senders: 1, Campaign: Campaign.Flood),
    ];

    /// <summary>
    /// Scenarios for comparing one server with several (<c>--servers</c>). Not part of <c>all</c>: a of 300 clients, so that
    /// each of three servers serves as many as a's one does.
    /// </summary>
    public static IReadOnlyList<Scenario> Scaling { get; } =
    [
        new("f", "300 clients, 10 senders x 20 msg/s", Clients: 300, Senders: 10, RatePerSender: 20),
    ];

    public bool IsCampaign => Campaign != Campaign.None;

    /// <summary>The name: what the command line's help shows for the default list.</summary>
    public override string ToString() => Name;

    public bool IsIdle => Senders == 0;

    public bool IsSaturation => Window > 0;

    /// <summary>The load in a few characters, for the results table.</summary>
    public string Load => IsCampaign ? Name
        : IsIdle ? "idle"
        : IsSaturation ? string.Create(CultureInfo.InvariantCulture, $"{Senders}x w{Window}")
        : string.Create(CultureInfo.InvariantCulture, $"{Senders}x{RatePerSender:0.##}/s");

    /// <summary>Parses <c>all</c> or a comma-separated list of scenario names such as <c>a,c,e</c>.</summary>
    public static bool TryParseList(string text, out IReadOnlyList<Scenario> scenarios, out string? unknown)
    {
        unknown = null;
        if (string.Equals(text.Trim(), "all", StringComparison.OrdinalIgnoreCase))
        {
            scenarios = All;
            return true;
        }

        var chosen = new List<Scenario>();
        foreach (var name in text.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            var scenario = All.Concat(Campaigns).Concat(Scaling).FirstOrDefault(s => string.Equals(s.Name, name, StringComparison.OrdinalIgnoreCase));
            if (scenario is null)
            {
                unknown = name;
                scenarios = [];
                return false;
            }

            if (!chosen.Contains(scenario))
            {
                chosen.Add(scenario);
            }
        }

        scenarios = chosen;
        return chosen.Count > 0;
    }
}

/// <summary>What a scenario does besides (or instead of) load: an abuse campaign from docs/security.md.</summary>
public enum Campaign
{
    None,

    /// <summary>Rounds of connections that join and are reset at once; resident memory after each.</summary>
    Storm,

    /// <summary>SIGTERM with every client joined; time to exit and to every connection closed.</summary>
    Shutdown,

    /// <summary>One client floods under the server's default flood settings.</summary>
    Flood,
}
