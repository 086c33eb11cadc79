using System.Buffers;
using System.Text;

namespace ChatRoom.Protocol.Tests.Harness;

/// <summary>Bytes as text one for one (Latin-1), so that any byte, valid UTF-8 or not, reads back as itself.</summary>
internal static class Latin1
{
    public static byte[] Bytes(string text) => Encoding.Latin1.GetBytes(text);

    public static string Text(in ReadOnlySequence<byte> bytes) => Encoding.Latin1.GetString(bytes);

    public static string Text(ReadOnlySpan<byte> bytes) => Encoding.Latin1.GetString(bytes);
}
