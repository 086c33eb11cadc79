using System.ComponentModel.DataAnnotations;

namespace ChatRoom.Server.Options;

/// <summary>
/// <c>Chat:Flood</c>: a token bucket per connection, IRC-style. A client may send <see cref="Burst"/> lines at
/// once and <see cref="LinesPerSecond"/> after that; faster lines are delayed (the server stops reading from that
/// client, so TCP pushes back on it alone), and a client that is still flooding after
/// <see cref="MaxDelayedLines"/> delayed lines in a row is disconnected.
/// </summary>
public sealed class FloodOptions
{
    /// <summary>
    /// Off only for load tests, where one generator's senders go faster than any person (the <c>Benchmark</c>
    /// environment, <c>appsettings.Benchmark.json</c>); the other limits are then not consulted.
    /// </summary>
    public bool Enabled { get; set; } = true;

    [Range(1, 1_000_000)]
    public int Burst { get; set; } = 20;

    [Range(0.1, 10_000_000)]
    public double LinesPerSecond { get; set; } = 10;

    [Range(1, 1_000_000)]
    public int MaxDelayedLines { get; set; } = 100;
}
