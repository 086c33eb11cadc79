using ChatRoom.Server.Options;

namespace ChatRoom.Server.Rooms;

/// <summary>
/// The figures <see cref="DeliveryPolicy"/> judges by: <see cref="ChatOptions.WriteTimeout"/>,
/// <see cref="ChatOptions.MaxSendLag"/>, <see cref="ChatOptions.MaxSendQueueBytes"/>, and the server-wide budget
/// <see cref="MaxQueuedBytes"/> (<see cref="ChatOptions.MaxQueuedBytes"/>, or its default sized against the machine).
/// </summary>
public readonly record struct DeliveryLimits(TimeSpan WriteTimeout, TimeSpan MaxSendLag, long MaxSendQueueBytes, long MaxQueuedBytes)
{
    /// <summary>The share of the memory available to the process that the budget takes when none is configured.</summary>
    public const int DefaultBudgetFraction = 4;

    public static DeliveryLimits From(ChatOptions options) => new(
        options.WriteTimeout,
        options.MaxSendLag,
        options.MaxSendQueueBytes,
        options.MaxQueuedBytes ?? DefaultBudget());

    /// <summary>
    /// A quarter of the memory this process may use: the machine's, or its container's limit (the GC reads both).
    /// Queued lines are counted once per recipient although recipients share one copy, so the memory they really take
    /// is at most this and usually far less.
    /// </summary>
    public static long DefaultBudget() => GC.GetGCMemoryInfo().TotalAvailableMemoryBytes / DefaultBudgetFraction;
}
