using System.Text;

namespace ChatRoom.Protocol.Text.Unicode;

/// <summary>
/// Unicode full case folding (CaseFolding.txt, statuses C and F): the mapping Unicode defines for comparing text
/// without regard to case. Unlike <see cref="string.ToUpperInvariant()"/> it maps 'ß' and 'ẞ' to "ss" and leaves
/// the dotless 'ı' apart from 'i', and it does not depend on the ICU the process happens to load.
/// </summary>
public static partial class CaseFolding
{
    public static string Fold(string text)
    {
        var output = new StringBuilder(text.Length);
        CodePointMap.MapInto(Keys, MappingEnds, Mappings, text, output);
        return output.ToString();
    }
}
