namespace ChatRoom.Server.Rooms;

/// <summary>What <see cref="Room.TryJoin"/> did.</summary>
public enum JoinResult
{
    Joined,
    NicknameInUse,

    /// <summary>The server is stopping; the newcomer is told so by its session.</summary>
    Closed,
}
