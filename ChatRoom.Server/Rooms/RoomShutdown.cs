namespace ChatRoom.Server.Rooms;

/// <summary>
/// Closes the room as soon as the host starts stopping, before Kestrel closes the connections: every member is told
/// after the same last messages, and the sessions then drain what they owe and close (see ChatSession).
/// </summary>
public sealed class RoomShutdown(Room room, IHostApplicationLifetime lifetime) : IHostedService
{
    private CancellationTokenRegistration _registration;

    public Task StartAsync(CancellationToken cancellationToken)
    {
        _registration = lifetime.ApplicationStopping.Register(room.Close);
        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken) => _registration.DisposeAsync().AsTask();
}
