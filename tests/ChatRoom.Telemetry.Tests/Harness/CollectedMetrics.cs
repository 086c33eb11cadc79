using System.Diagnostics;
using System.Globalization;
using OpenTelemetry.Metrics;

namespace ChatRoom.Telemetry.Tests.Harness;

/// <summary>One collection's snapshots, by instrument name, with sums over the points that match a tag.</summary>
public sealed class CollectedMetrics
{
    private readonly Dictionary<string, MetricSnapshot> _byName;

    public CollectedMetrics(IEnumerable<MetricSnapshot> snapshots)
    {
        _byName = new Dictionary<string, MetricSnapshot>(StringComparer.Ordinal);
        foreach (var snapshot in snapshots)
        {
            _byName[snapshot.Name] = snapshot;
        }
    }

    public IReadOnlyCollection<string> Names => _byName.Keys;

    public bool Has(string name) => _byName.ContainsKey(name);

    /// <summary>The instrument called <paramref name="name"/>; fails the test, listing what there is, when absent.</summary>
    public MetricSnapshot this[string name]
    {
        get
        {
            if (!_byName.TryGetValue(name, out var snapshot))
            {
                Assert.Fail($"no instrument '{name}' was exported; there were:\n{this}");
            }

            return snapshot!;
        }
    }

    /// <summary>A counter's or up-down counter's value, over the points whose tag <paramref name="tag"/> is <paramref name="value"/> (all points when null); 0 when absent.</summary>
    public long Sum(string name, string? tag = null, string? value = null) =>
        Points(name, tag, value).Sum(point => point.GetSumLong());

    /// <summary>A histogram's number of recordings; 0 when absent.</summary>
    public long Count(string name) => Points(name).Sum(point => point.GetHistogramCount());

    /// <summary>A histogram's sum of recordings; 0 when absent.</summary>
    public double HistogramSum(string name) => Points(name).Sum(point => point.GetHistogramSum());

    /// <summary>The explicit upper bounds of a histogram's buckets (the last, +∞, included).</summary>
    public double[] BucketBounds(string name)
    {
        var point = Assert.Single(this[name].MetricPoints);
        var bounds = new List<double>();
        foreach (var bucket in point.GetHistogramBuckets())
        {
            bounds.Add(bucket.ExplicitBound);
        }

        return [.. bounds];
    }

    /// <summary>The trace ids of the exemplars a histogram or counter kept.</summary>
    public ActivityTraceId[] ExemplarTraceIds(string name)
    {
        var traceIds = new List<ActivityTraceId>();
        foreach (var point in Points(name))
        {
            if (point.TryGetExemplars(out var exemplars))
            {
                foreach (var exemplar in exemplars)
                {
                    traceIds.Add(exemplar.TraceId);
                }
            }
        }

        return [.. traceIds];
    }

    /// <summary>The values of tag <paramref name="tag"/> on the instrument's points.</summary>
    public string?[] TagValues(string name, string tag) =>
        [.. Points(name).Select(point => TagValue(point, tag)).Distinct()];

    public override string ToString() =>
        string.Join('\n', _byName.Values.OrderBy(m => m.Name, StringComparer.Ordinal).Select(Describe));

    private IEnumerable<MetricPoint> Points(string name, string? tag = null, string? value = null) =>
        _byName.TryGetValue(name, out var snapshot)
            ? snapshot.MetricPoints.Where(point => tag is null || TagValue(point, tag) == value)
            : [];

    private static string? TagValue(MetricPoint point, string key)
    {
        foreach (var tag in point.Tags)
        {
            if (tag.Key == key)
            {
                return Convert.ToString(tag.Value, CultureInfo.InvariantCulture);
            }
        }

        return null;
    }

    private static string Describe(MetricSnapshot metric)
    {
        var points = metric.MetricPoints.Select(point =>
        {
            var tags = new List<string>();
            foreach (var tag in point.Tags)
            {
                tags.Add($"{tag.Key}={tag.Value}");
            }

            var value = metric.MetricType switch
            {
                MetricType.Histogram => $"count={point.GetHistogramCount()} sum={point.GetHistogramSum().ToString(CultureInfo.InvariantCulture)}",
                MetricType.LongSum or MetricType.LongSumNonMonotonic => point.GetSumLong().ToString(CultureInfo.InvariantCulture),
                _ => "…",
            };
            return $"[{string.Join(',', tags)}] {value}";
        });
        return $"  {metric.MeterName} {metric.Name} ({metric.Unit}, {metric.MetricType}): {string.Join("; ", points)}";
    }
}
