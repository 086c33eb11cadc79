using System.Buffers;
using System.Text;

namespace ChatRoom.Protocol.Tests.Support;

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

internal static class Sequences
{
    /// <summary>A sequence with one segment per part, in order (an empty part gives an empty segment).</summary>
    public static ReadOnlySequence<byte> Of(IEnumerable<byte[]> parts)
    {
        Segment? first = null;
        Segment? last = null;
        foreach (var part in parts)
        {
            last = last is null ? first = new Segment(part) : last.Append(part);
        }

        return first is null ? ReadOnlySequence<byte>.Empty : new ReadOnlySequence<byte>(first, 0, last!, last!.Memory.Length);
    }

    /// <summary>The ASCII/Latin-1 text <paramref name="parts"/>, one segment each.</summary>
    public static ReadOnlySequence<byte> Of(params string[] parts) => Of(parts.Select(Latin1.Bytes));

    /// <summary><paramref name="bytes"/> cut into segments of <paramref name="size"/> bytes (the last may be shorter).</summary>
    public static ReadOnlySequence<byte> Chunked(byte[] bytes, int size) => Of(bytes.Chunk(size));
}

/// <summary>Bytes as text one for one (Latin-1), so that any byte, valid UTF-8 or not, reads back as itself.</summary>
internal static class Latin1
{
    public static byte[] Bytes(string text) => Encoding.Latin1.GetBytes(text);

    public static string Text(in ReadOnlySequence<byte> bytes) => Encoding.Latin1.GetString(bytes);

    public static string Text(ReadOnlySpan<byte> bytes) => Encoding.Latin1.GetString(bytes);
}
