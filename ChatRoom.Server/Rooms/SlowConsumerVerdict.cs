namespace ChatRoom.Server.Rooms;

/// <summary>
/// Why <see cref="Member"/> is being disconnected: the rule, what it was owed, what to tell the client (its <c>ERR</c>
/// line), and the figures behind the decision, for the log.
/// </summary>
public readonly record struct SlowConsumerVerdict(
    IRoomMember Member, SlowConsumerRule Rule, DeliveryState State, string ClientMessage, string LogDetail);
