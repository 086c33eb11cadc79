namespace ChatRoom.Tests.Harness;

/// <summary>
/// A page of the documentation (copied beside the tests by the project file), read the way the docs tests read it:
/// the sections under its headings and the tables in them, cell by cell, with the code marks (`) taken off.
/// </summary>
public sealed class MarkdownPage
{
    private readonly string[] _lines;

    private MarkdownPage(string name, string[] lines)
    {
        Name = name;
        _lines = lines;
    }

    /// <summary>The page's path in the repository, e.g. <c>docs/protocol.md</c>.</summary>
    public string Name { get; }

    public string Text => string.Join('\n', _lines);

    /// <param name="path">The page's path in the repository, e.g. <c>docs/protocol.md</c> or <c>README.md</c>.</param>
    public static MarkdownPage Load(string path)
    {
        var file = Path.Combine(AppContext.BaseDirectory, path);
        Assert.True(File.Exists(file), $"{path} is not copied beside the tests ({file})");
        return new MarkdownPage(path, File.ReadAllLines(file));
    }

    /// <summary>Every page under docs/ and the README.</summary>
    public static IReadOnlyList<MarkdownPage> All() =>
    [
        .. Directory.GetFiles(Path.Combine(AppContext.BaseDirectory, "docs"), "*.md")
            .Order(StringComparer.Ordinal)
            .Select(file => Load(Path.Combine("docs", Path.GetFileName(file)))),
        Load("README.md"),
    ];

    /// <summary>
    /// The rows of the first table in the section under the heading that begins with <paramref name="heading"/> (up to the
    /// next heading of any level) whose header's first cell is <paramref name="firstHeader"/>; each row is its cells.
    /// </summary>
    public IReadOnlyList<string[]> Table(string heading, string firstHeader)
    {
        var section = Section(heading);
        for (var i = 0; i + 1 < section.Count; i++)
        {
            if (IsRow(section[i]) && Cells(section[i])[0] == firstHeader && section[i + 1].StartsWith("| ---", StringComparison.Ordinal))
            {
                return [.. section.Skip(i + 2).TakeWhile(IsRow).Select(Cells)];
            }
        }

        Assert.Fail($"{Name}: no table headed '{firstHeader}' under '{heading}'");
        return [];
    }

    private List<string> Section(string heading)
    {
        var section = new List<string>();
        var inside = false;
        var inCode = false;
        foreach (var line in _lines)
        {
            inCode ^= line.StartsWith("```", StringComparison.Ordinal);
            if (!inCode && line.StartsWith('#'))
            {
                if (inside)
                {
                    return section;
                }

                inside = line.TrimStart('#').Trim().StartsWith(heading, StringComparison.Ordinal);
            }
            else if (inside)
            {
                section.Add(line);
            }
        }

        Assert.True(inside, $"{Name}: no heading '{heading}'");
        return section;
    }

    private static bool IsRow(string line) => line.StartsWith('|');

    private static string[] Cells(string row) =>
        [.. row.Trim().Trim('|').Split('|').Select(cell => cell.Trim().Replace("`", string.Empty, StringComparison.Ordinal))];
}
