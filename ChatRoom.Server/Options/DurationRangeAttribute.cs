using System.ComponentModel.DataAnnotations;

namespace ChatRoom.Server.Options;

/// <summary>
/// A <see cref="TimeSpan"/> between two bounds. DataAnnotations' Range(typeof(TimeSpan), ...) converts
/// through reflection-based TypeConverters, which trimming and Native AOT cannot keep.
/// </summary>
[AttributeUsage(AttributeTargets.Property)]
public sealed class DurationRangeAttribute(double minSeconds, double maxSeconds) : ValidationAttribute(
    $"The {{0}} field must be between {TimeSpan.FromSeconds(minSeconds)} and {TimeSpan.FromSeconds(maxSeconds)}.")
{
    public double MinSeconds => minSeconds;

    public double MaxSeconds => maxSeconds;

    public override bool IsValid(object? value) =>
        value is TimeSpan duration && duration.TotalSeconds >= minSeconds && duration.TotalSeconds <= maxSeconds;
}
