namespace ChatRoom.Protocol.Text.Unicode;

/// <summary>
/// Lookup in a generated table that maps code points to strings: sorted keys, the end of each key's mapping, and all
/// mappings in one string. A binary search over data in the assembly's image: no allocation, no start-up cost.
/// </summary>
internal static class CodePointMap
{
    public static bool TryGet(ReadOnlySpan<int> keys, ReadOnlySpan<ushort> ends, string mappings, int codePoint, out ReadOnlySpan<char> mapping)
    {
        var index = keys.BinarySearch(codePoint);
        if (index < 0)
        {
            mapping = default;
            return false;
        }

        var start = index == 0 ? 0 : ends[index - 1];
        mapping = mappings.AsSpan(start, ends[index] - start);
        return true;
    }

    /// <summary>Appends <paramref name="text"/> with every code point found in the table replaced by its mapping.</summary>
    public static void MapInto(ReadOnlySpan<int> keys, ReadOnlySpan<ushort> ends, string mappings, string text, System.Text.StringBuilder output)
    {
        Span<char> pair = stackalloc char[2];
        foreach (var rune in text.EnumerateRunes())
        {
            if (TryGet(keys, ends, mappings, rune.Value, out var mapped))
            {
                output.Append(mapped);
            }
            else if (rune.IsBmp)
            {
                output.Append((char)rune.Value);
            }
            else
            {
                output.Append(pair[..rune.EncodeToUtf16(pair)]);
            }
        }
    }
}
