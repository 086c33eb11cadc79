namespace ChatRoom.Server.Rooms;

/// <summary>
/// Four times a second, judges what every member is owed (<see cref="DeliveryPolicy"/>), disconnects those that are
/// not keeping up, and sets or releases the brake on senders (<see cref="SendBudget"/>): one timer for the whole room
/// instead of one per connection.
/// </summary>
public sealed class DeliveryMonitor(Room room, DeliveryPolicy policy, SendBudget budget, TimeProvider clock) : BackgroundService
{
    // Often enough that a burst owed to everyone is judged within a fraction of a second; a look costs a few reads
    // per member under the room's lock.
    private static readonly TimeSpan Interval = TimeSpan.FromMilliseconds(250);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var members = new List<MemberDelivery>();
        var verdicts = new List<SlowConsumerVerdict>();
        using var timer = new PeriodicTimer(Interval, clock);
        while (await timer.WaitForNextTickAsync(stoppingToken).ConfigureAwait(false))
        {
            room.CollectDelivery(members);
            var owed = policy.Judge(members, verdicts);
            foreach (var verdict in verdicts)
            {
                verdict.Member.Disconnect(verdict);
            }

            budget.Update(owed > policy.Limits.MaxQueuedBytes);
            members.Clear();
            verdicts.Clear();
        }
    }
}
