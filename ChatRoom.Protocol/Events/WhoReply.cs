using System.Globalization;
using System.Text;

namespace ChatRoom.Protocol.Events;

/// <summary>
/// The answer to <c>/who</c>: the nicknames in the room, in the order they joined, in as many parts as it takes to
/// keep each line short whatever the room's size. One part reads <c>Users here (2): alice, bob</c>; several read
/// <c>Users here (10000), part 3 of 412: …</c>, in order. Each nickname appears once in each form: in the plain line,
/// or in the structured event's <c>users</c> (its <c>text</c> holds only the header).
/// </summary>
public static class WhoReply
{
    public const string Code = "who";

    /// <summary>The most UTF-8 bytes of nicknames (and their separators) in one part: a part stays within a few KiB.</summary>
    public const int MaxPartBytes = 2048;

    /// <summary>The parts that answer <c>/who</c> in a room of <paramref name="users"/>.</summary>
    public static IReadOnlyList<ChatEvent> Create(IReadOnlyList<string> users)
    {
        var groups = new List<ArraySegment<string>>();
        var names = users as string[] ?? [.. users];
        var start = 0;
        var bytes = 0;
        for (var i = 0; i < names.Length; i++)
        {
            var size = Encoding.UTF8.GetByteCount(names[i]) + 2; // ", "
            if (i > start && bytes + size > MaxPartBytes)
            {
                groups.Add(new ArraySegment<string>(names, start, i - start));
                (start, bytes) = (i, 0);
            }

            bytes += size;
        }

        groups.Add(new ArraySegment<string>(names, start, names.Length - start));

        var parts = new ChatEvent[groups.Count];
        for (var i = 0; i < parts.Length; i++)
        {
            var several = parts.Length > 1;
            parts[i] = new ChatEvent
            {
                Kind = ChatEventKind.System,
                Code = Code,
                Text = several
                    ? string.Create(CultureInfo.InvariantCulture, $"Users here ({names.Length}), part {i + 1} of {parts.Length}")
                    : string.Create(CultureInfo.InvariantCulture, $"Users here ({names.Length})"),
                Users = groups[i],
                Part = several ? i + 1 : null,
                Parts = several ? parts.Length : null,
            };
        }

        return parts;
    }
}
