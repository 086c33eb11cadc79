namespace ChatRoom.Protocol.Text;

/// <summary>
/// Recognises the first line of another protocol's client on the chat port, so that the server ends the connection
/// instead of reading, say, a browser's POST body as a nickname and a message (a web page can make a visitor's
/// browser send one to any address it can reach).
/// </summary>
public static class ForeignProtocol
{
    /// <summary>An HTTP/1.x request line (RFC 9112, section 3): method SP request-target SP HTTP-version.</summary>
    public static bool IsHttpRequestLine(string line)
    {
        var text = line.AsSpan();
        var first = text.IndexOf(' ');
        var last = text.LastIndexOf(' ');
        if (first <= 0 || last <= first + 1)
        {
            return false;
        }

        var method = text[..first];
        var target = text[(first + 1)..last];
        var version = text[(last + 1)..];
        return IsToken(method) && !target.Contains(' ') && version.StartsWith("HTTP/", StringComparison.Ordinal);
    }

    // tchar = "!" / "#" / "$" / "%" / "&" / "'" / "*" / "+" / "-" / "." / "^" / "_" / "`" / "|" / "~" / DIGIT / ALPHA
    private static bool IsToken(ReadOnlySpan<char> text)
    {
        foreach (var c in text)
        {
            if (!(char.IsAsciiLetterOrDigit(c) || "!#$%&'*+-.^_`|~".Contains(c)))
            {
                return false;
            }
        }

        return true;
    }
}
