namespace ChatRoom.LoadGen.Measurement;

/// <summary>Delivery latency percentiles in milliseconds, from a sender's write to a recipient's read.</summary>
public sealed record LatencySummary(double P50, double P90, double P99, double P999, double Max, long Count);
