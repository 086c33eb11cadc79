using System.Buffers;

namespace ChatRoom.Protocol.Framing;

/// <summary>
/// Splits LF-terminated lines (CRLF accepted) out of a byte sequence without ever holding more than
/// the line limit: an over-long line is reported once, as soon as it passes the limit, and the rest of
/// it is consumed and dropped until its LF, so the connection stays usable.
/// </summary>
public struct LineFramer(int maxLineBytes)
{
    private bool _discarding;

    public readonly int MaxLineBytes => maxLineBytes;

    /// <summary>
    /// Takes the next line off the front of <paramref name="buffer"/>. On <see cref="FrameStatus.NeedMoreData"/>
    /// the caller keeps what is left in <paramref name="buffer"/> (it may have been shortened by a discard).
    /// </summary>
    public FrameStatus TryRead(ref ReadOnlySequence<byte> buffer, out ReadOnlySequence<byte> line)
    {
        while (true)
        {
            var reader = new SequenceReader<byte>(buffer);
            if (!reader.TryReadTo(out line, (byte)'\n'))
            {
                line = default;
                // A CR may still precede the LF, so one byte over the limit is not yet proof.
                if (_discarding || buffer.Length > (long)maxLineBytes + 1)
                {
                    buffer = buffer.Slice(buffer.End);
                    if (!_discarding)
                    {
                        _discarding = true;
                        return FrameStatus.TooLong;
                    }
                }

                return FrameStatus.NeedMoreData;
            }

            buffer = buffer.Slice(reader.Position);
            if (_discarding)
            {
                // The tail of a line that was already reported: drop it and look for the next line.
                _discarding = false;
                continue;
            }

            if (line.Length > 0 && EndsWithCarriageReturn(line))
            {
                line = line.Slice(0, line.Length - 1);
            }

            if (line.Length > maxLineBytes)
            {
                line = default;
                return FrameStatus.TooLong;
            }

            return FrameStatus.Line;
        }
    }

    private static bool EndsWithCarriageReturn(in ReadOnlySequence<byte> line)
    {
        var last = line.Slice(line.Length - 1);
        return last.FirstSpan[0] == (byte)'\r';
    }
}
