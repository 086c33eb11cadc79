namespace ChatRoom.Protocol.Events;

/// <summary>
/// The grammar of the W3C Trace Context fields (https://www.w3.org/TR/trace-context/, section 3) that a structured
/// client may send with a line. The server relays only fields that match it, so what reaches the other clients is
/// short lower-case hex and printable ASCII, never escape sequences or a field many kilobytes long.
/// </summary>
public static class W3CTraceContext
{
    public const int TraceparentLength = 55;
    public const int MaxTracestateLength = 512;
    private const int MaxTracestateMembers = 32;

    /// <summary>
    /// version "-" trace-id "-" parent-id "-" trace-flags: 2, 32, 16 and 2 lower-case hex digits; version ff and
    /// all-zero ids are invalid. Later versions may append fields, which this server does not know, so it takes only
    /// the 55 characters version 00 defines.
    /// </summary>
    public static bool IsValidTraceparent(string? value)
    {
        if (value is not { Length: TraceparentLength } || value[2] != '-' || value[35] != '-' || value[52] != '-')
        {
            return false;
        }

        var text = value.AsSpan();
        var version = text[..2];
        var traceId = text[3..35];
        var parentId = text[36..52];
        var flags = text[53..];
        return IsLowerHex(version) && IsLowerHex(traceId) && IsLowerHex(parentId) && IsLowerHex(flags)
            && !version.SequenceEqual("ff") && traceId.ContainsAnyExcept('0') && parentId.ContainsAnyExcept('0');
    }

    /// <summary>
    /// A list of at most 32 key=value members, comma-separated with optional spaces or tabs around the commas, keys
    /// unique, 512 characters at most. Empty members are allowed, as the specification says.
    /// </summary>
    public static bool IsValidTracestate(string? value)
    {
        if (value is null || value.Length > MaxTracestateLength)
        {
            return false;
        }

        Span<Range> keys = stackalloc Range[MaxTracestateMembers];
        var text = value.AsSpan();
        var count = 0;
        foreach (var range in text.Split(','))
        {
            var raw = text[range];
            var member = raw.Trim(" \t");
            if (member.IsEmpty)
            {
                continue;
            }

            var equals = member.IndexOf('=');
            if (count == MaxTracestateMembers || equals < 0 || !IsKey(member[..equals]) || !IsValue(member[(equals + 1)..]))
            {
                return false;
            }

            foreach (var earlier in keys[..count])
            {
                if (text[earlier].SequenceEqual(member[..equals]))
                {
                    return false;
                }
            }

            var keyStart = range.Start.Value + (raw.Length - raw.TrimStart(" \t").Length);
            keys[count++] = new Range(keyStart, keyStart + equals);
        }

        return true;
    }

    // simple-key = lcalpha 0*255( lcalpha / DIGIT / "_" / "-"/ "*" / "/" )
    // multi-tenant-key = tenant-id "@" system-id; tenant-id = ( lcalpha / DIGIT ) 0*240(...); system-id = lcalpha 0*13(...)
    private static bool IsKey(ReadOnlySpan<char> key)
    {
        var at = key.IndexOf('@');
        if (at < 0)
        {
            return key.Length is >= 1 and <= 256 && char.IsAsciiLetterLower(key[0]) && AreKeyCharacters(key[1..]);
        }

        var tenant = key[..at];
        var system = key[(at + 1)..];
        return tenant.Length is >= 1 and <= 241 && (char.IsAsciiLetterLower(tenant[0]) || char.IsAsciiDigit(tenant[0]))
            && AreKeyCharacters(tenant[1..])
            && system.Length is >= 1 and <= 14 && char.IsAsciiLetterLower(system[0]) && AreKeyCharacters(system[1..]);
    }

    private static bool AreKeyCharacters(ReadOnlySpan<char> text)
    {
        foreach (var c in text)
        {
            if (!(char.IsAsciiLetterLower(c) || char.IsAsciiDigit(c) || c is '_' or '-' or '*' or '/'))
            {
                return false;
            }
        }

        return true;
    }

    // value = 0*255(chr) nblk-chr; nblk-chr = %x21-2B / %x2D-3C / %x3E-7E; chr = %x20 / nblk-chr
    private static bool IsValue(ReadOnlySpan<char> value)
    {
        if (value.Length is < 1 or > 256 || value[^1] == ' ')
        {
            return false;
        }

        foreach (var c in value)
        {
            if (c is < ' ' or > '~' or ',' or '=')
            {
                return false;
            }
        }

        return true;
    }

    private static bool IsLowerHex(ReadOnlySpan<char> text)
    {
        foreach (var c in text)
        {
            if (!char.IsAsciiHexDigitLower(c))
            {
                return false;
            }
        }

        return true;
    }
}
