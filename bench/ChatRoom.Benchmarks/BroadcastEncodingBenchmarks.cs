using System.Text;
using BenchmarkDotNet.Attributes;
using ChatRoom.Protocol.Events;
using ChatRoom.Protocol.Text;
using ChatRoom.Server.Rooms;

namespace ChatRoom.Benchmarks;

/// <summary>
/// What the server does to one line on its way to the room: check the received bytes (<see cref="LineText.Check(ReadOnlySpan{byte})"/>),
/// then encode the broadcast once per format (<see cref="EncodedEvent"/>), however many recipients share it.
/// </summary>
[MemoryDiagnoser]
public class BroadcastEncodingBenchmarks
{
    private readonly byte[] _ascii = "the build is green again, release 2.4 is tagged and on its way"u8.ToArray();

    // Lead bytes C2, C3 and E2 (dashes, quotes) take the check's slower path that looks for C1 and bidi controls.
    private readonly byte[] _accented = Encoding.UTF8.GetBytes("déjà vu – the “naïve” façade of ünïcödé, ©2026 …");

    private readonly ChatEvent _message = new()
    {
        Kind = ChatEventKind.Message,
        Id = 123_456,
        Time = new DateTimeOffset(2026, 12, 2, 10, 0, 0, TimeSpan.Zero),
        Room = Room.Name,
        From = "alice",
        Text = "the build is green again, release 2.4 is tagged and on its way",
    };

    [Benchmark]
    public TextProblem CheckAscii() => LineText.Check(_ascii);

    [Benchmark]
    public TextProblem CheckAccented() => LineText.Check(_accented);

    [Benchmark]
    public int EncodePlain() => new EncodedEvent(_message).Plain.Length;

    [Benchmark]
    public int EncodeJson() => new EncodedEvent(_message).Json.Length;
}
