using ChatRoom.Protocol.Events;

namespace ChatRoom.Server.Rooms;

/// <summary>
/// The room shared by every server on one backplane (Redis: <c>Backplane/RedisRoomBackplane</c>). The backplane, not the
/// server, decides who holds which nickname and the one order of events: each server hands it the events its clients
/// cause, and delivers every event of the room, its own included, as the backplane hands them back
/// (<see cref="IBackplaneSink"/>). Without one, the room lives in this process alone (<see cref="IBroadcastBus"/>).
/// Every call may throw <see cref="RoomUnavailableException"/> when the backplane cannot be reached.
/// </summary>
public interface IRoomBackplane
{
    /// <summary>Registers the room on this server that delivers events to its members.</summary>
    void Subscribe(IBackplaneSink sink);

    /// <summary>Claims <paramref name="member"/>'s nickname for it and appends its <paramref name="join"/>; false when the nickname is taken.</summary>
    Task<bool> JoinAsync(BackplaneMember member, ChatEvent join);

    /// <summary>Frees <paramref name="member"/>'s nickname and appends its <paramref name="leave"/>, now or once the backplane is back.</summary>
    void Leave(BackplaneMember member, ChatEvent leave);

    /// <summary>Appends a message or action; in the order of calls for each sender.</summary>
    Task AppendAsync(ChatEvent roomEvent);

    /// <summary>Moves <paramref name="member"/>'s claim to <paramref name="rename"/>'s new nickname and appends it; false when that name is taken.</summary>
    Task<bool> RenameAsync(BackplaneMember member, ChatEvent rename);

    /// <summary>
    /// Sends <paramref name="whisper"/> from <paramref name="sender"/> to whoever holds <paramref name="target"/>, on any
    /// server; returns that member's nickname as it is written, or null when nobody holds it.
    /// </summary>
    Task<string?> WhisperAsync(BackplaneMember sender, string target, ChatEvent whisper);

    /// <summary>Everyone in the room, on every server, in the order they joined.</summary>
    Task<IReadOnlyList<string>> WhoAsync();
}
