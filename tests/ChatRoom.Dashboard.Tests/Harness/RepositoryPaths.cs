namespace ChatRoom.Dashboard.Tests.Harness;

/// <summary>Where the repository is (the folder with ChatRoom.sln above the test binaries) and where screenshots go.</summary>
public static class RepositoryPaths
{
    public static string Root { get; } = FindRoot();

    /// <summary>artifacts/dashboard-tests/ (git-ignored): the screenshots the tests take, for a person to open.</summary>
    public static string Screenshots { get; } = Directory.CreateDirectory(Path.Combine(Root, "artifacts", "dashboard-tests")).FullName;

    private static string FindRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "ChatRoom.sln")))
            {
                return dir.FullName;
            }
        }

        throw new InvalidOperationException($"No ChatRoom.sln above {AppContext.BaseDirectory}: run the tests from the repository's build output.");
    }
}
