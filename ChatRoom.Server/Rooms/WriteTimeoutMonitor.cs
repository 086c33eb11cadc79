using ChatRoom.Server.Options;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;

namespace ChatRoom.Server.Rooms;

/// <summary>
/// Once a second, disconnects members that have accepted no bytes for <see cref="ChatOptions.WriteTimeout"/>:
/// one timer for the whole room instead of one per connection.
/// </summary>
public sealed class WriteTimeoutMonitor(Room room, IOptions<ChatOptions> options, TimeProvider clock) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(TimeSpan.FromSeconds(1), clock);
        while (await timer.WaitForNextTickAsync(stoppingToken).ConfigureAwait(false))
        {
            room.CheckWriteTimeouts(options.Value.WriteTimeout);
        }
    }
}
