namespace ChatRoom.Server.Rooms;

/// <summary>A room member and what it was owed when the room was looked at (<see cref="Room.CollectDelivery"/>).</summary>
public readonly record struct MemberDelivery(IRoomMember Member, DeliveryState State);
