namespace ChatRoom.Protocol.Text.Unicode;

/// <summary>
/// Default_Ignorable_Code_Point: characters a renderer shows as nothing when it does not support them (zero-width
/// space and joiners, variation selectors, Hangul fillers, tag characters...). They make two names that look the same.
/// </summary>
public static partial class DefaultIgnorable
{
    public static bool Contains(int codePoint)
    {
        var ranges = Ranges;
        int low = 0, high = (ranges.Length / 2) - 1;
        while (low <= high)
        {
            var middle = (low + high) / 2;
            if (codePoint < ranges[2 * middle])
            {
                high = middle - 1;
            }
            else if (codePoint > ranges[(2 * middle) + 1])
            {
                low = middle + 1;
            }
            else
            {
                return true;
            }
        }

        return false;
    }
}
