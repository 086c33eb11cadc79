using System.Buffers.Text;

namespace ChatRoom.LoadGen.Load;

/// <summary>
/// The bodies the generator sends. A message is <c>~&lt;sender&gt;.&lt;timestamp&gt; xxx…</c>: the sending connection and
/// its <see cref="System.Diagnostics.Stopwatch"/> timestamp (one process, one clock), padded to a fixed size. A barrier
/// is <c>~sync</c>. Servers add their prefix (<c>u3: </c>, <c>&lt;user7&gt; </c>, <c>:u3!~u3@127.0.0.1 PRIVMSG #lobby :</c>),
/// and the body is the first <c>~</c> at the start of the line or after a space or a colon.
/// </summary>
public static class Payload
{
    /// <summary>Room for the marker, a sender number, a timestamp and the line end.</summary>
    public const int MinimumBytes = 32;

    public const byte Marker = (byte)'~';

    public static ReadOnlyMemory<byte> Barrier { get; } = "~sync\n"u8.ToArray();

    public enum Kind
    {
        /// <summary>Not a body: a join, an announcement, a prompt.</summary>
        Other,
        Message,
        Barrier,
    }

    /// <summary>Writes one message line of exactly <paramref name="destination"/>'s length, LF included.</summary>
    public static void WriteMessage(Span<byte> destination, int sender, long timestamp)
    {
        destination[0] = Marker;
        Utf8Formatter.TryFormat(sender, destination[1..], out var written);
        var position = 1 + written;
        destination[position++] = (byte)'.';
        Utf8Formatter.TryFormat(timestamp, destination[position..], out written);
        position += written;
        destination[position++] = (byte)' ';
        destination[position..^1].Fill((byte)'x');
        destination[^1] = (byte)'\n';
    }

    /// <summary>Finds and reads the body in a line as the server delivered it.</summary>
    public static Kind Parse(ReadOnlySpan<byte> line, out int sender, out long timestamp)
    {
        sender = 0;
        timestamp = 0;
        var start = BodyStart(line);
        if (start < 0)
        {
            return Kind.Other;
        }

        var body = line[(start + 1)..];
        if (body.StartsWith("sync"u8))
        {
            return Kind.Barrier;
        }

        if (!Utf8Parser.TryParse(body, out sender, out var consumed) || consumed >= body.Length || body[consumed] != '.')
        {
            return Kind.Other;
        }

        return Utf8Parser.TryParse(body[(consumed + 1)..], out timestamp, out _) ? Kind.Message : Kind.Other;
    }

    /// <summary>
    /// Where the body's marker is: at the start of the line, or after a space or a colon. An IRC prefix holds a
    /// <c>~</c> of its own (<c>:u3!~u3@127.0.0.1 PRIVMSG #lobby :~3.1234 xxx</c>), after a <c>!</c>.
    /// </summary>
    private static int BodyStart(ReadOnlySpan<byte> line)
    {
        for (var from = 0; from < line.Length;)
        {
            var found = line[from..].IndexOf(Marker);
            if (found < 0)
            {
                return -1;
            }

            var start = from + found;
            if (start == 0 || line[start - 1] is (byte)' ' or (byte)':')
            {
                return start;
            }

            from = start + 1;
        }

        return -1;
    }
}
