namespace ChatRoom.Server.Rooms;

/// <summary>
/// A member of this server as the backplane knows it: the token this server gave it, which stays the same across its
/// renames, and its nickname.
/// </summary>
public readonly record struct BackplaneMember(long Token, string Nickname);
