using System.Globalization;

namespace ChatRoom.Server.Rooms;

/// <summary>
/// Decides which members are disconnected for not keeping up. A member is judged by how far behind the room it is,
/// never by the size of one burst: a legal burst from many senders is owed to every member in an instant, and a
/// reader, however fast, takes it over the following seconds. So a member is disconnected only when
/// <list type="bullet">
/// <item>its socket has taken nothing for <see cref="DeliveryLimits.WriteTimeout"/>;</item>
/// <item>the oldest line it is owed has waited longer than <see cref="DeliveryLimits.MaxSendLag"/>;</item>
/// <item>it is owed more than <see cref="DeliveryLimits.MaxSendQueueBytes"/> (a hard cap, checked as lines are queued);</item>
/// <item>or everything owed to all members passes <see cref="DeliveryLimits.MaxQueuedBytes"/>: then every member
/// that is behind and whose socket takes nothing goes at once (each one left would be owed the others' departures),
/// then the members furthest behind, until the total is back within it; a member that is keeping up never goes. If
/// members that keep up alone pass the budget, nobody is disconnected: the senders are slowed instead
/// (<see cref="SendBudget"/>).</item>
/// </list>
/// </summary>
public sealed class DeliveryPolicy(DeliveryLimits limits)
{
    /// <summary>A member whose oldest owed line has waited less than this is keeping up: the budget spares it.</summary>
    public static readonly TimeSpan KeepingUp = TimeSpan.FromSeconds(1);

    /// <summary>A member whose flush has waited this long has a socket that takes nothing now.</summary>
    public static readonly TimeSpan Stalled = TimeSpan.FromSeconds(1);

    private readonly List<MemberDelivery> _furthestBehind = [];

    public DeliveryLimits Limits => limits;

    /// <summary>
    /// Judges every member in <paramref name="members"/>, adding the ones to disconnect to <paramref name="verdicts"/>;
    /// returns what the others are still owed in all.
    /// </summary>
    public long Judge(IReadOnlyList<MemberDelivery> members, List<SlowConsumerVerdict> verdicts)
    {
        long remaining = 0;
        _furthestBehind.Clear();
        foreach (var (member, state) in members)
        {
            if (state.FlushPending > limits.WriteTimeout)
            {
                verdicts.Add(Verdict(member, SlowConsumerRule.WriteTimeout, state));
            }
            else if (state.Lag > limits.MaxSendLag)
            {
                verdicts.Add(Verdict(member, SlowConsumerRule.Lag, state));
            }
            else
            {
                remaining += state.QueuedBytes;
                if (state.Lag >= KeepingUp)
                {
                    _furthestBehind.Add(new MemberDelivery(member, state));
                }
            }
        }

        if (remaining <= limits.MaxQueuedBytes)
        {
            return remaining;
        }

        var total = remaining;
        _furthestBehind.Sort(static (x, y) => IsStalled(y.State).CompareTo(IsStalled(x.State)) is var stalled and not 0
            ? stalled
            : y.State.Lag.CompareTo(x.State.Lag));
        foreach (var (member, state) in _furthestBehind)
        {
            if (remaining <= limits.MaxQueuedBytes && !IsStalled(state))
            {
                break;
            }

            verdicts.Add(Verdict(member, SlowConsumerRule.Budget, state, total));
            remaining -= state.QueuedBytes;
        }

        _furthestBehind.Clear();
        return remaining;
    }

    private static bool IsStalled(DeliveryState state) => state.FlushPending >= Stalled;

    /// <summary>The verdict on a member owed more than the hard cap, found as a line was queued to it.</summary>
    public SlowConsumerVerdict QueueCapPassed(IRoomMember member, DeliveryState state) =>
        Verdict(member, SlowConsumerRule.QueueCap, state);

    private SlowConsumerVerdict Verdict(IRoomMember member, SlowConsumerRule rule, DeliveryState state, long total = 0)
    {
        var owed = Bytes(state.QueuedBytes);
        var lag = Seconds(state.Lag);
        return rule switch
        {
            SlowConsumerRule.WriteTimeout => new(member, rule, state,
                $"disconnected: your connection took nothing for {Seconds(limits.WriteTimeout)}",
                $"its socket took no bytes for {Seconds(state.FlushPending)} (Chat:WriteTimeout {Seconds(limits.WriteTimeout)}); {owed} owed"),
            SlowConsumerRule.Lag => new(member, rule, state,
                $"disconnected: you fell more than {Seconds(limits.MaxSendLag)} behind the room; reconnect to catch up",
                $"{lag} behind the room (Chat:MaxSendLag {Seconds(limits.MaxSendLag)}); {owed} owed"),
            SlowConsumerRule.Budget => new(member, rule, state,
                $"disconnected: the server ran out of room for lines not yet sent, and you were furthest behind ({lag}); reconnect to catch up",
                $"{Bytes(total)} owed to all clients (Chat:MaxQueuedBytes {Bytes(limits.MaxQueuedBytes)}); furthest behind: {lag}, {owed} owed"),
            _ => new(member, rule, state,
                $"disconnected: more than {Bytes(limits.MaxSendQueueBytes)} were waiting for you; reconnect to catch up",
                $"{owed} owed (Chat:MaxSendQueueBytes {Bytes(limits.MaxSendQueueBytes)}), {lag} behind the room"),
        };
    }

    private static string Seconds(TimeSpan duration) =>
        string.Create(CultureInfo.InvariantCulture, $"{duration.TotalSeconds:0.#} s");

    private static string Bytes(long bytes) => bytes switch
    {
        >= 1L << 30 => string.Create(CultureInfo.InvariantCulture, $"{bytes / (double)(1L << 30):0.#} GiB"),
        >= 1L << 20 => string.Create(CultureInfo.InvariantCulture, $"{bytes / (double)(1L << 20):0.#} MiB"),
        >= 1L << 10 => string.Create(CultureInfo.InvariantCulture, $"{bytes / 1024.0:0.#} KiB"),
        _ => string.Create(CultureInfo.InvariantCulture, $"{bytes} bytes"),
    };
}
