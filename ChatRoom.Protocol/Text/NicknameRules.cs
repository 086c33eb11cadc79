using System.Globalization;
using System.Text;

namespace ChatRoom.Protocol.Text;

/// <summary>
/// What makes a nickname acceptable: 1 to 32 letters or digits of any script, '_', '-', '.'.
/// Nicknames are kept in Unicode NFC; uniqueness compares a key that also folds compatibility
/// forms and case, so "ALICE", "alice" and "ａｌｉｃｅ" (fullwidth) are one name.
/// </summary>
public static class NicknameRules
{
    public const int MaxLength = 32;

    /// <summary>Checks <paramref name="candidate"/>; on success returns the name as it will be shown.</summary>
    public static bool TryNormalize(string candidate, out string nickname, out string error)
    {
        nickname = string.Empty;
        if (candidate.Length == 0)
        {
            error = "nickname is empty";
            return false;
        }

        if (!candidate.IsNormalized(NormalizationForm.FormC))
        {
            candidate = candidate.Normalize(NormalizationForm.FormC);
        }

        var length = 0;
        foreach (var rune in candidate.EnumerateRunes())
        {
            if (++length > MaxLength)
            {
                error = $"nickname is longer than {MaxLength} characters";
                return false;
            }

            if (!IsAllowed(rune))
            {
                error = Rune.IsWhiteSpace(rune) ? "nickname may not contain spaces"
                    : rune.Value == ':' ? "nickname may not contain ':'"
                    : "nickname may contain only letters, digits, '_', '-' and '.'";
                return false;
            }
        }

        nickname = candidate;
        error = string.Empty;
        return true;
    }

    /// <summary>The key two nicknames share when they are the same name.</summary>
    public static string Key(string nickname) =>
        nickname.Normalize(NormalizationForm.FormKC).ToUpperInvariant();

    private static bool IsAllowed(Rune rune) =>
        rune.Value is '_' or '-' or '.'
        || Rune.GetUnicodeCategory(rune) is UnicodeCategory.UppercaseLetter or UnicodeCategory.LowercaseLetter
            or UnicodeCategory.TitlecaseLetter or UnicodeCategory.ModifierLetter or UnicodeCategory.OtherLetter
            or UnicodeCategory.DecimalDigitNumber;
}
