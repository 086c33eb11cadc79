using System.Buffers;

namespace ChatRoom.Protocol.Tests.Harness;

/// <summary>One segment of a hand-built multi-segment sequence: the shape a PipeReader hands out.</summary>
internal sealed class Segment : ReadOnlySequenceSegment<byte>
{
    public Segment(ReadOnlyMemory<byte> memory, long runningIndex = 0)
    {
        Memory = memory;
        RunningIndex = runningIndex;
    }

    /// <summary>Links a new segment after this one and returns it.</summary>
    public Segment Append(ReadOnlyMemory<byte> memory)
    {
        var next = new Segment(memory, RunningIndex + Memory.Length);
        Next = next;
        return next;
    }
}
