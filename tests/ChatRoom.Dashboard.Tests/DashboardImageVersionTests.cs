using System.Text.RegularExpressions;
using System.Xml.Linq;
using ChatRoom.Dashboard.Tests.Harness;

namespace ChatRoom.Dashboard.Tests;

/// <summary>
/// Every compose file runs the dashboard of the Aspire version the AppHost uses: the telemetry a user sees under
/// compose is shown by the same dashboard as under the AppHost.
/// </summary>
public sealed partial class DashboardImageVersionTests
{
    [Fact]
    public void EveryComposeFileNamesTheDashboardImageOfTheAppHostsAspireVersion()
    {
        var packages = XDocument.Load(Path.Combine(RepositoryPaths.Root, "Directory.Packages.props"));
        var appHostVersion = packages.Descendants("PackageVersion")
            .Single(package => (string?)package.Attribute("Include") == "Aspire.Hosting.AppHost")
            .Attribute("Version")!.Value;
        var expectedTag = string.Join('.', appHostVersion.Split('.')[..2]);

        var composeFiles = Directory.GetFiles(RepositoryPaths.Root, "docker-compose*.yml");
        var images = composeFiles
            .SelectMany(file => DashboardImage().Matches(File.ReadAllText(file)).Select(match => (File: Path.GetFileName(file), Tag: match.Groups["tag"].Value)))
            .ToList();

        Assert.Contains(images, image => image.File == "docker-compose.yml");
        Assert.Contains(images, image => image.File == "docker-compose.scale.yml");
        Assert.All(images, image => Assert.True(image.Tag == expectedTag,
            $"{image.File} runs aspire-dashboard:{image.Tag}; the AppHost uses Aspire {appHostVersion}, so the tag is {expectedTag}."));
    }

    // Microsoft's image and the offline one docker/build-local-dashboard.sh builds.
    [GeneratedRegex(@"aspire-dashboard:(?<tag>[0-9][0-9.]*)")]
    private static partial Regex DashboardImage();
}
