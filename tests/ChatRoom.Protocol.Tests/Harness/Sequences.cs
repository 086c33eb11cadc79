using System.Buffers;

namespace ChatRoom.Protocol.Tests.Harness;

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
