using System.CommandLine.Parsing;
using System.Globalization;
using System.Text.RegularExpressions;

namespace ChatRoom.LoadGen.Hosting;

/// <summary>Durations on the command line: <c>500ms</c>, <c>10s</c>, <c>1.5m</c>, or a TimeSpan such as <c>00:00:10</c>.</summary>
public static partial class Durations
{
    public static TimeSpan Parse(ArgumentResult result)
    {
        var text = result.Tokens is [var token] ? token.Value : string.Empty;
        if (TryParse(text) is { } duration && duration > TimeSpan.Zero)
        {
            return duration;
        }

        var option = (result.Parent as OptionResult)?.Option.Name ?? "duration";
        result.AddError($"{option}: '{text}' is not a positive duration such as 500ms, 10s, 2m or 00:00:10");
        return default;
    }

    public static string Format(TimeSpan duration) => duration.TotalSeconds < 60
        ? duration.TotalSeconds.ToString("0.###s", CultureInfo.InvariantCulture)
        : duration.TotalMinutes.ToString("0.##m", CultureInfo.InvariantCulture);

    private static TimeSpan? TryParse(string text)
    {
        var match = WithUnit().Match(text);
        if (match.Success)
        {
            var value = double.Parse(match.Groups["value"].ValueSpan, CultureInfo.InvariantCulture);
            return match.Groups["unit"].ValueSpan switch
            {
                "ms" => TimeSpan.FromMilliseconds(value),
                "s" => TimeSpan.FromSeconds(value),
                _ => TimeSpan.FromMinutes(value),
            };
        }

        return TimeSpan.TryParse(text, CultureInfo.InvariantCulture, out var span) ? span : null;
    }

    [GeneratedRegex(@"^(?<value>\d+(\.\d+)?)(?<unit>ms|s|m)$")]
    private static partial Regex WithUnit();
}
