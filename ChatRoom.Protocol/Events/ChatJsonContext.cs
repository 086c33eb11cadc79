using System.Text.Json.Serialization;

namespace ChatRoom.Protocol.Events;

/// <summary>Source-generated JSON for the structured protocol: no reflection, trimming- and AOT-safe.</summary>
[JsonSourceGenerationOptions(
    PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase,
    DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    UseStringEnumConverter = true)]
[JsonSerializable(typeof(ChatEvent))]
[JsonSerializable(typeof(ClientEnvelope))]
public sealed partial class ChatJsonContext : JsonSerializerContext;
