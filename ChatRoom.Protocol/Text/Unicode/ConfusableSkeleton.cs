using System.Text;

namespace ChatRoom.Protocol.Text.Unicode;

/// <summary>
/// The skeleton of UTS #39 (Unicode Security Mechanisms, section 4): NFD, every character replaced by its prototype
/// from confusables.txt, NFD again. Two strings that look alike have the same skeleton: "раураl" (Cyrillic) and
/// "paypal", "rn" and "m". The generated table holds each prototype case-folded, because it serves keys of text that
/// is case-folded first (<see cref="NicknameRules.Key"/>).
/// </summary>
public static partial class ConfusableSkeleton
{
    public static string Of(string text)
    {
        var decomposed = text.Normalize(NormalizationForm.FormD);
        var output = new StringBuilder(decomposed.Length);
        CodePointMap.MapInto(Keys, MappingEnds, Mappings, decomposed, output);
        return output.ToString().Normalize(NormalizationForm.FormD);
    }
}
