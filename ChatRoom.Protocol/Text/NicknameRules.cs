using System.Globalization;
using System.Text;
using ChatRoom.Protocol.Text.Unicode;

namespace ChatRoom.Protocol.Text;

/// <summary>
/// What makes a nickname acceptable, and when two nicknames are the same name. A nickname is 1 to 32 letters or
/// digits of any script, '_', '-', '.', where a letter may carry combining marks (Devanagari vowel signs, Thai and
/// Hebrew points); it is kept in Unicode NFC. Characters that show as nothing (default-ignorable code points: zero-width
/// joiners, Hangul fillers, variation selectors) and the Arabic tatweel (a stretching stroke, in no spelling) are
/// refused, so that no name can hide a difference. Uniqueness compares <see cref="Key"/>, which makes one name of
/// case variants, compatibility forms and look-alikes.
/// </summary>
public static class NicknameRules
{
    public const int MaxLength = 32;

    private const int ArabicTatweel = 0x0640;
    private const string OnlyLettersAndDigits = "nickname may contain only letters, digits, '_', '-' and '.'";

    /// <summary>Checks <paramref name="candidate"/>; on success returns the name as it will be shown.</summary>
    public static bool TryNormalize(string candidate, out string nickname, out string error)
    {
        nickname = string.Empty;
        if (candidate.Length == 0)
        {
            error = "nickname must not be empty";
            return false;
        }

        if (!candidate.IsNormalized(NormalizationForm.FormC))
        {
            candidate = candidate.Normalize(NormalizationForm.FormC);
        }

        var length = 0;
        var afterLetter = false;
        foreach (var rune in candidate.EnumerateRunes())
        {
            if (++length > MaxLength)
            {
                error = $"nickname is longer than {MaxLength} characters";
                return false;
            }

            var category = Rune.GetUnicodeCategory(rune);
            if (DefaultIgnorable.Contains(rune.Value))
            {
                error = "nickname may not contain invisible characters";
                return false;
            }

            if (category is UnicodeCategory.NonSpacingMark or UnicodeCategory.SpacingCombiningMark)
            {
                if (!afterLetter)
                {
                    error = OnlyLettersAndDigits;
                    return false;
                }

                continue; // a mark on a letter: the letter may take more
            }

            afterLetter = IsLetter(category) && rune.Value != ArabicTatweel;
            if (!afterLetter && !IsOtherAllowed(rune, category))
            {
                error = Rune.IsWhiteSpace(rune) ? "nickname may not contain spaces"
                    : rune.Value == ':' ? "nickname may not contain ':'"
                    : OnlyLettersAndDigits;
                return false;
            }
        }

        nickname = candidate;
        error = string.Empty;
        return true;
    }

    /// <summary>
    /// The key two nicknames share when they are the same name: the UTS #39 skeleton of the full case folding of the
    /// NFKC form, skeleton(casefold(NFKC(name))). NFKC first makes compatibility forms one (fullwidth 'ａ', bold '𝐚');
    /// the fold makes case variants one ('ALICE', 'Straße' and 'STRASSE'); the skeleton makes look-alikes one (Cyrillic
    /// 'а' and Latin 'a', Greek 'ο' and 'o', 'rn' and 'm', '0' and 'o'). Look-alikes that exist in one case only
    /// meet after the fold, or not at all: capital 'I' folds to 'i', so "Ian" and "lan" stay two names.
    /// </summary>
    public static string Key(string nickname) =>
        ConfusableSkeleton.Of(CaseFolding.Fold(nickname.Normalize(NormalizationForm.FormKC)));

    private static bool IsLetter(UnicodeCategory category) =>
        category is UnicodeCategory.UppercaseLetter or UnicodeCategory.LowercaseLetter or UnicodeCategory.TitlecaseLetter
            or UnicodeCategory.ModifierLetter or UnicodeCategory.OtherLetter;

    private static bool IsOtherAllowed(Rune rune, UnicodeCategory category) =>
        rune.Value is '_' or '-' or '.' || category == UnicodeCategory.DecimalDigitNumber;
}
