using System.Diagnostics;
using OpenTelemetry;
using OpenTelemetry.Metrics;
using OpenTelemetry.Trace;

namespace ChatRoom.Telemetry.Tests.Harness;

/// <summary>
/// Captures what the ChatRoom meters and activity sources export, in-process, through OpenTelemetry's
/// in-memory exporters on providers of the test's own. Providers listen by name, process-wide, so this sees
/// the server host started by the test (and anything else alive in the process: hence the one non-parallel
/// collection). Metrics are collected only when the test asks, as <see cref="MetricSnapshot"/>s, never live
/// <see cref="Metric"/> objects; every wait is bounded.
/// </summary>
public sealed class TelemetryCapture : IDisposable
{
    /// <summary>How long telemetry may take to show what the test did.</summary>
    public static readonly TimeSpan WaitTimeout = TimeSpan.FromSeconds(10);

    private const int FlushTimeoutMilliseconds = 5000;

    private static readonly string[] Sources = ["ChatRoom.Server", "ChatRoom.Client"];

    private readonly LockedCollection<MetricSnapshot> _snapshots = new();
    private readonly LockedCollection<Activity> _activities = new();
    private readonly MeterProvider _meterProvider;
    private readonly TracerProvider _tracerProvider;

    public TelemetryCapture()
    {
        _meterProvider = Sdk.CreateMeterProviderBuilder()
            .AddMeter(Sources)
            // As Aspire's OTEL_METRICS_EXEMPLAR_FILTER=trace_based: recordings inside a sampled span keep its ids.
            .SetExemplarFilter(ExemplarFilterType.TraceBased)
            // No timer: a collection happens when, and only when, the test asks for one.
            .AddInMemoryExporter(_snapshots, reader => reader.PeriodicExportingMetricReaderOptions.ExportIntervalMilliseconds = Timeout.Infinite)
            .Build();
        _tracerProvider = Sdk.CreateTracerProviderBuilder()
            .AddSource(Sources)
            .AddInMemoryExporter(_activities)
            .Build();
    }

    /// <summary>Collects now: the cumulative state of every instrument that has recorded something.</summary>
    public CollectedMetrics CollectMetrics()
    {
        var before = _snapshots.Count;
        Assert.True(_meterProvider.ForceFlush(FlushTimeoutMilliseconds), "the meter provider did not flush in time");
        return new CollectedMetrics(_snapshots.ToArray()[before..]);
    }

    /// <summary>Collects until <paramref name="condition"/> holds; fails after <see cref="WaitTimeout"/> saying <paramref name="what"/>.</summary>
    public async Task<CollectedMetrics> WaitForMetricsAsync(Func<CollectedMetrics, bool> condition, string what)
    {
        var waited = Stopwatch.StartNew();
        while (true)
        {
            var metrics = CollectMetrics();
            if (condition(metrics))
            {
                return metrics;
            }

            if (waited.Elapsed > WaitTimeout)
            {
                Assert.Fail($"after {WaitTimeout.TotalSeconds} s still not: {what}\nlast collection:\n{metrics}");
            }

            await Task.Delay(50);
        }
    }

    /// <summary>The spans ended so far.</summary>
    public Activity[] Activities
    {
        get
        {
            _tracerProvider.ForceFlush(FlushTimeoutMilliseconds);
            return _activities.ToArray();
        }
    }

    /// <summary>Waits for the spans that <paramref name="match"/> until there are <paramref name="count"/>.</summary>
    public async Task<Activity[]> WaitForActivitiesAsync(Func<Activity, bool> match, int count, string what)
    {
        var waited = Stopwatch.StartNew();
        while (true)
        {
            var all = Activities;
            var found = all.Where(match).ToArray();
            if (found.Length >= count)
            {
                return found;
            }

            if (waited.Elapsed > WaitTimeout)
            {
                Assert.Fail($"after {WaitTimeout.TotalSeconds} s, {found.Length} of {count} spans: {what}\nspans seen:\n{Describe(all)}");
            }

            await Task.Delay(50);
        }
    }

    public static string Describe(IEnumerable<Activity> activities) =>
        string.Join('\n', activities.Select(a =>
            $"  {a.Source.Name} '{a.DisplayName}' {a.Kind} trace={a.TraceId} span={a.SpanId} parent={a.ParentSpanId} " +
            string.Join(' ', a.TagObjects.Select(t => $"{t.Key}={t.Value}"))));

    public void Dispose()
    {
        _meterProvider.Dispose();
        _tracerProvider.Dispose();
    }
}
