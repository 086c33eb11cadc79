using System.Diagnostics.Metrics;

namespace ChatRoom.Server.Telemetry;

/// <summary>
/// The backplane's instruments, on the meter <c>ChatRoom.Server</c> beside <see cref="ChatMetrics"/>
/// (docs/observability.md). Every instrument of the process carries the server's id as the resource attribute
/// <c>chatroom.server.id</c>, so the figures of several servers sharing a room stay apart.
/// </summary>
public sealed class BackplaneMetrics
{
    // From a fraction of a millisecond on one machine to a congested second across a network.
    private static readonly IReadOnlyList<double> LatencyBuckets =
        [0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];

    private readonly Histogram<double> _latency;
    private readonly Counter<long> _errors;
    private readonly Counter<long> _reconnects;

    public BackplaneMetrics(IMeterFactory meterFactory)
    {
        var meter = meterFactory.Create(ChatMetrics.MeterName);
        _latency = meter.CreateHistogram("chatroom.backplane.latency", "s",
            "From an event being appended to the room's stream, by any server, to its delivery to this server's members.",
            advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = LatencyBuckets });
        _errors = meter.CreateCounter<long>("chatroom.backplane.errors", "{error}",
            "Backplane operations that failed, by operation (append, join, leave, rename, whisper, who, read, heartbeat, sweep) and error.type; and events lost to the stream's trimming (read, gap).");
        _reconnects = meter.CreateCounter<long>("chatroom.backplane.reconnects", "{reconnect}",
            "Times this server's link to the room's stream came back after failing.");
    }

    /// <summary>An event appended <paramref name="age"/> ago has just been delivered to this server's members.</summary>
    public void Delivered(TimeSpan age)
    {
        if (_latency.Enabled)
        {
            _latency.Record(Math.Max(age.TotalSeconds, 0));
        }
    }

    public void Failed(string operation, string errorType)
    {
        if (_errors.Enabled)
        {
            _errors.Add(1, new KeyValuePair<string, object?>("chatroom.backplane.operation", operation),
                new KeyValuePair<string, object?>("error.type", errorType));
        }
    }

    public void Reconnected() => _reconnects.Add(1);
}
