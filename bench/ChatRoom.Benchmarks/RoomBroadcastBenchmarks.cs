using System.Diagnostics;
using System.Diagnostics.Metrics;
using BenchmarkDotNet.Attributes;
using ChatRoom.Protocol.Events;
using ChatRoom.Server.Rooms;
using ChatRoom.Server.Sessions;
using ChatRoom.Server.Telemetry;
using Microsoft.Extensions.DependencyInjection;

namespace ChatRoom.Benchmarks;

/// <summary>
/// One message said in a room of <see cref="Members"/>, through the real <see cref="Room"/> (lock, id, one encoding,
/// one enqueue per member). <see cref="RecipientKind.Counting"/> members only take the bytes: the room's own cost.
/// <see cref="RecipientKind.Outbox"/> members are the server's <c>Outbox</c>, drained as a session's read loop drains
/// them: held in a <see cref="DrainBatch"/> while the line is said, then started (on the calling thread in the smaller
/// rooms, on the thread pool in the room of 1,000). The invocation ends when every member has flushed the line into
/// its pipe. No meter listener is attached: the load generator measures with telemetry on.
/// </summary>
[MemoryDiagnoser]
public class RoomBroadcastBenchmarks : IDisposable
{
    private const int SettleMilliseconds = 200;

    private const string Text = "the build is green again, release 2.4 is tagged and on its way";

    private readonly FlushCountdown _flushes = new();
    private ServiceProvider? _services;
    private Room? _room;
    private IRoomMember[] _members = [];
    private long _lineBytes;

    [Params(10, 100, 1000)]
    public int Members { get; set; }

    [ParamsAllValues]
    public RecipientKind Recipients { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        _services = new ServiceCollection().AddMetrics().BuildServiceProvider();
        var metrics = new ChatMetrics(_services.GetRequiredService<IMeterFactory>());
        _room = new Room(new LocalBroadcastBus(), metrics, TimeProvider.System);
        _members = [.. Enumerable.Range(0, Members).Select(IRoomMember (_) =>
            Recipients == RecipientKind.Outbox ? new OutboxMember(metrics, _flushes) : new CountingMember())];
        var welcome = new ChatEvent { Kind = ChatEventKind.System, Code = "welcome", Text = PlainText.Welcome };
        for (var i = 0; i < _members.Length; i++)
        {
            _ = _room.TryJoin(_members[i], $"m{i}", welcome);
        }

        // The join announcements are not the benchmark's: let their last flushes land before counting starts.
        SpinWait.SpinUntil(() => _members.All(member => member.GetDeliveryState(0).QueuedBytes == 0));
        Thread.Sleep(SettleMilliseconds);
        foreach (var member in _members.OfType<OutboxMember>())
        {
            member.StartCounting();
        }

        _lineBytes = new EncodedEvent(new ChatEvent { Kind = ChatEventKind.Message, From = "m0", Text = Text }).Plain.Length;
    }

    [Benchmark]
    public BroadcastReceipt? Say()
    {
        var outboxes = Recipients == RecipientKind.Outbox;
        if (outboxes)
        {
            _flushes.Expect(_lineBytes * Members);
        }

        BroadcastReceipt? receipt;
        using (outboxes ? DrainBatch.Open() : default)
        {
            receipt = _room!.Say(_members[0], ChatEventKind.Message, Text, TraceContext.None, Stopwatch.GetTimestamp());
        }

        if (outboxes)
        {
            _flushes.Wait();
        }

        return receipt;
    }

    [GlobalCleanup]
    public void Dispose()
    {
        foreach (var member in _members.OfType<OutboxMember>())
        {
            member.Dispose();
        }

        _services?.Dispose();
        _flushes.Dispose();
        GC.SuppressFinalize(this);
    }
}

/// <summary>Who receives the broadcast in <see cref="RoomBroadcastBenchmarks"/>.</summary>
public enum RecipientKind
{
    Counting,
    Outbox,
}
