using System.Globalization;
using Microsoft.Extensions.Configuration;

/// <summary>
/// A group of simulated clients as one resource: how many replicas, how often each talks, and their nickname prefix.
/// Read from one configuration section (<c>Simulator</c>, <c>Burst</c>), each key falling back to the group's default.
/// </summary>
internal sealed record SimulatorSettings(int Replicas, string Interval, string NickPrefix)
{
    public static SimulatorSettings Read(IConfiguration configuration, string section, SimulatorSettings defaults)
    {
        var replicas = configuration.GetValue($"{section}:Replicas", defaults.Replicas);
        ArgumentOutOfRangeException.ThrowIfLessThan(replicas, 1, $"{section}:Replicas");
        return new SimulatorSettings(
            replicas,
            configuration[$"{section}:Interval"] ?? defaults.Interval,
            configuration[$"{section}:NickPrefix"] ?? defaults.NickPrefix);
    }

    /// <summary>The console client's arguments for a bot of this group.</summary>
    public string[] ClientArguments() => ["--simulate", "--interval", Interval, "--nick-prefix", NickPrefix];

    public override string ToString() =>
        string.Create(CultureInfo.InvariantCulture, $"{Replicas} x {NickPrefix}-NNNN every {Interval}");
}
