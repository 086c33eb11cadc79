using ChatRoom.Server.Rooms;

namespace ChatRoom.Server.Tests;

/// <summary>
/// <see cref="DeliveryPolicy"/> with hand-made states: who is disconnected by which rule, in which order, and when the
/// senders are slowed instead.
/// </summary>
public sealed class DeliveryPolicyJudgementTests
{
    private const long MiB = 1024 * 1024;

    private static readonly DeliveryPolicy Policy = new(new DeliveryLimits(
        WriteTimeout: TimeSpan.FromSeconds(30), MaxSendLag: TimeSpan.FromSeconds(30), MaxSendQueueBytes: 64 * MiB, MaxQueuedBytes: 100 * MiB));

    [Fact]
    public void MembersOwedMuchButKeepingUpAreNeverDisconnected()
    {
        var verdicts = new List<SlowConsumerVerdict>();

        // A legal burst owed to everyone at once: lots of bytes, no lag yet.
        var owed = Policy.Judge([.. Members(50, 2 * MiB, TimeSpan.Zero)], verdicts);

        Assert.Empty(verdicts);
        Assert.Equal(100 * MiB, owed);
    }

    [Fact]
    public void MemberFurtherBehindThanTheLagLimitIsDisconnectedWhateverItIsOwed()
    {
        var verdicts = new List<SlowConsumerVerdict>();
        var members = Members(3, 1024, TimeSpan.FromSeconds(2));
        members[1] = members[1] with { State = new DeliveryState(1024, TimeSpan.FromSeconds(30.5), TimeSpan.Zero) };

        var owed = Policy.Judge(members, verdicts);

        var verdict = Assert.Single(verdicts);
        Assert.Same(members[1].Member, verdict.Member);
        Assert.Equal(SlowConsumerRule.Lag, verdict.Rule);
        Assert.Equal("disconnected: you fell more than 30 s behind the room; reconnect to catch up", verdict.ClientMessage);
        Assert.Equal("30.5 s behind the room (Chat:MaxSendLag 30 s); 1 KiB owed", verdict.LogDetail);
        Assert.Equal(2048, owed);
    }

    [Fact]
    public void MemberWhoseSocketTakesNothingIsDisconnectedAtTheWriteTimeout()
    {
        var verdicts = new List<SlowConsumerVerdict>();
        MemberDelivery[] members = [new(new Member(), new DeliveryState(10, TimeSpan.FromSeconds(31), TimeSpan.FromSeconds(31)))];

        Policy.Judge(members, verdicts);

        Assert.Equal(SlowConsumerRule.WriteTimeout, Assert.Single(verdicts).Rule);
    }

    [Fact]
    public void OverTheBudgetTheMembersFurthestBehindGoFirstUntilTheRestFit()
    {
        var verdicts = new List<SlowConsumerVerdict>();
        MemberDelivery[] members =
        [
            new(new Member(), new DeliveryState(40 * MiB, TimeSpan.FromSeconds(3), TimeSpan.Zero)),
            new(new Member(), new DeliveryState(40 * MiB, TimeSpan.FromSeconds(9), TimeSpan.Zero)),
            new(new Member(), new DeliveryState(40 * MiB, TimeSpan.FromSeconds(0.5), TimeSpan.Zero)),
            new(new Member(), new DeliveryState(40 * MiB, TimeSpan.FromSeconds(5), TimeSpan.Zero)),
        ];

        var owed = Policy.Judge(members, verdicts);

        // 160 MiB owed against 100: the one 9 s behind goes, then the one 5 s behind; 80 MiB are left.
        Assert.Equal([members[1].Member, members[3].Member], verdicts.Select(v => v.Member));
        Assert.All(verdicts, v => Assert.Equal(SlowConsumerRule.Budget, v.Rule));
        Assert.Equal("160 MiB owed to all clients (Chat:MaxQueuedBytes 100 MiB); furthest behind: 9 s, 40 MiB owed", verdicts[0].LogDetail);
        Assert.Equal(80 * MiB, owed);
    }

    [Fact]
    public void OverTheBudgetWithEveryoneKeepingUpNobodyIsDisconnectedAndTheSendersAreSlowed()
    {
        var verdicts = new List<SlowConsumerVerdict>();

        var owed = Policy.Judge([.. Members(3, 50 * MiB, TimeSpan.FromSeconds(0.9))], verdicts);

        Assert.Empty(verdicts);
        Assert.True(owed > Policy.Limits.MaxQueuedBytes);
    }

    [Fact]
    public void DefaultBudgetIsAQuarterOfTheMemoryTheProcessMayUse()
    {
        var limits = DeliveryLimits.From(new Options.ChatOptions());

        Assert.Equal(GC.GetGCMemoryInfo().TotalAvailableMemoryBytes / 4, limits.MaxQueuedBytes);
        Assert.Equal(TimeSpan.FromSeconds(30), limits.MaxSendLag);
    }

    private static MemberDelivery[] Members(int count, long queuedBytes, TimeSpan lag) =>
        [.. Enumerable.Range(0, count).Select(_ => new MemberDelivery(new Member(), new DeliveryState(queuedBytes, lag, TimeSpan.Zero)))];

    private sealed class Member : IRoomMember
    {
        public string? Nickname { get; set; }

        public DeliveryState GetDeliveryState(long now) => default;

        public void Send(EncodedEvent chatEvent)
        {
        }

        public void Disconnect(SlowConsumerVerdict verdict)
        {
        }
    }
}
