namespace ChatRoom.Server.Rooms;

/// <summary>What became of a broadcast: the id the room gave it and how many local members it was queued to.</summary>
public readonly record struct BroadcastReceipt(long Id, int Recipients);
