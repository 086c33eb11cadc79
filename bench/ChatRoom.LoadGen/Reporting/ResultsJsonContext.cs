using System.Text.Json.Serialization;

namespace ChatRoom.LoadGen.Reporting;

/// <summary>Source-generated JSON for the results file: no reflection, camelCase, nulls left out.</summary>
[JsonSourceGenerationOptions(
    WriteIndented = true,
    PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase,
    DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(BenchReport))]
public sealed partial class ResultsJsonContext : JsonSerializerContext;
