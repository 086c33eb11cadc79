using System.Buffers;
using ChatRoom.Protocol.Framing;

namespace ChatRoom.Protocol.Tests.Harness;

/// <summary>
/// Drives a <see cref="LineFramer"/> the way a connection drives it from a PipeReader: each read appends a new
/// segment to what the previous read left unconsumed, the framer takes lines off the front until it needs more
/// data, and the remainder is kept for the next read.
/// </summary>
internal sealed class FramerDriver(int maxLineBytes)
{
    private LineFramer _framer = new(maxLineBytes);
    private ReadOnlySequence<byte> _unconsumed = ReadOnlySequence<byte>.Empty;
    private Segment? _last;

    public List<Frame> Frames { get; } = [];

    /// <summary>The most bytes the framer was ever handed at once (what the connection had to hold).</summary>
    public long LargestBuffer { get; private set; }

    /// <summary>What the framer left for the next read.</summary>
    public string Unconsumed => Latin1.Text(_unconsumed);

    /// <summary>Every frame <paramref name="buffer"/> holds, and what is left of it once the framer needs more data.</summary>
    public static (List<Frame> Frames, string Remainder) ReadAll(int maxLineBytes, ReadOnlySequence<byte> buffer)
    {
        var framer = new LineFramer(maxLineBytes);
        var frames = new List<Frame>();
        TakeFrames(ref framer, ref buffer, frames);
        return (frames, Latin1.Text(buffer));
    }

    public FramerDriver Feed(string chunk) => Feed(Latin1.Bytes(chunk));

    public FramerDriver Feed(ReadOnlyMemory<byte> chunk)
    {
        if (chunk.IsEmpty)
        {
            return this;
        }

        var buffer = Append(chunk);
        LargestBuffer = Math.Max(LargestBuffer, buffer.Length);
        TakeFrames(ref _framer, ref buffer, Frames);
        _unconsumed = buffer;
        return this;
    }

    /// <summary>Feeds <paramref name="bytes"/> in reads of <paramref name="chunkSize"/> bytes.</summary>
    public FramerDriver FeedInChunks(byte[] bytes, int chunkSize)
    {
        foreach (var chunk in bytes.Chunk(chunkSize))
        {
            Feed(chunk);
        }

        return this;
    }

    private ReadOnlySequence<byte> Append(ReadOnlyMemory<byte> chunk)
    {
        if (_unconsumed.IsEmpty || _last is null)
        {
            _last = new Segment(chunk);
            return new ReadOnlySequence<byte>(_last, 0, _last, chunk.Length);
        }

        var start = _unconsumed.Start;
        _last = _last.Append(chunk);
        return new ReadOnlySequence<byte>((Segment)start.GetObject()!, start.GetInteger(), _last, chunk.Length);
    }

    private static void TakeFrames(ref LineFramer framer, ref ReadOnlySequence<byte> buffer, List<Frame> frames)
    {
        FrameStatus status;
        while ((status = framer.TryRead(ref buffer, out var line)) != FrameStatus.NeedMoreData)
        {
            frames.Add(status == FrameStatus.Line ? Frame.Line(Latin1.Text(line)) : Frame.TooLong);
        }
    }
}
