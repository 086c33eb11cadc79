using System.Formats.Tar;
using ChatRoom.ContainerTests.Harness;
using ChatRoom.Tests.Harness;
using Docker.DotNet;
using Docker.DotNet.Models;
using DotNet.Testcontainers.Containers;
using DotNet.Testcontainers.Images;
using Xunit.Abstractions;

namespace ChatRoom.ContainerTests;

/// <summary>
/// The server image's default `final` target, which `docker compose up --build` builds: the Dockerfile publishes the
/// server Native AOT inside an SDK image that carries the C toolchain it links with (the -aot one), and stops at once,
/// naming what is missing, on an SDK image without it.
/// </summary>
[Collection(ChatServerCollectionDefinition.Name)]
public sealed class FinalTargetTests(ChatServerFixture fixture, ITestOutputHelper output)
{
    /// <summary>A server image built elsewhere from the final target (CI: by docker-compose, with the SDK stand-ins).</summary>
    private const string FinalServerImageSetting = "CHATROOM_FINAL_SERVER_IMAGE";

    [SkippableFact]
    public async Task FinalServerImageCompiledInTheAotSdkImageServesChat()
    {
        using var cts = new CancellationTokenSource(TimeSpan.FromMinutes(12)); // includes building the image once
        var image = await FinalServerImageAsync(cts.Token);
        var server = await fixture.StartServerAsync(onNetwork: false, cts.Token, image: image);
        try
        {
            // Native AOT: one executable, no managed assembly beside it.
            var files = await AppFilesAsync(server, cts.Token);
            output.WriteLine($"{image.FullName}: /app holds {string.Join(", ", files)}");
            Assert.Contains("ChatRoom.Server", files);
            Assert.DoesNotContain(files, file => file.EndsWith(".dll", StringComparison.Ordinal));

            var port = server.GetMappedPublicPort(ChatServerFixture.ChatPort);
            await using var alice = await TestChatClient.ConnectAndJoinAsync(server.Hostname, port, "alice");
            await using var bob = await TestChatClient.ConnectAndJoinAsync(server.Hostname, port, "bob");
            await alice.SendLineAsync("compiled ahead of time");
            await bob.WaitForLineAsync(line => line == "alice: compiled ahead of time", "alice's line");
        }
        finally
        {
            await fixture.RemoveAsync(server);
        }
    }

    [SkippableFact]
    public async Task ServerBuildStopsAtOnceNamingTheMissingToolchainOnAnSdkImageWithoutIt()
    {
        var plainSdk = fixture.Settings.ClientSdkImage;
        fixture.SkipIf(plainSdk is null,
            $"no SDK image without the Native AOT toolchain to try: neither {ImageSettings.McrClientSdkImage} nor " +
            $"{ImageSettings.LocalClientSdkImage} is present. Make the stand-ins with `bash docker/build-local-sdk.sh`.");

        using var cts = new CancellationTokenSource(TimeSpan.FromMinutes(5));
        var (error, builderOutput) = await fixture.Images.TryBuildAsync("Dockerfile", "build", plainSdk, cts.Token);
        output.WriteLine(builderOutput);

        Assert.NotNull(error);
        // What the check printed (the builder also echoes the RUN line itself, with ${SDK_IMAGE} unexpanded).
        var printed = $"error: SDK_IMAGE={plainSdk} has no C toolchain (clang or gcc)";
        var message = builderOutput.Split('\n').Select(line => line.IndexOf(printed, StringComparison.Ordinal) is var at and >= 0 ? line[at..] : null)
            .SingleOrDefault(line => line is not null);
        Assert.NotNull(message);
        Assert.Contains(ImageSettings.McrServerSdkImage, message, StringComparison.Ordinal);
        Assert.Contains(ImageSettings.LocalServerSdkImage, message, StringComparison.Ordinal);
        // At once: before the restore, not minutes later at the link step.
        Assert.DoesNotContain("dotnet restore", builderOutput, StringComparison.Ordinal);
    }

    private async Task<IImage> FinalServerImageAsync(CancellationToken ct)
    {
        if (Environment.GetEnvironmentVariable(FinalServerImageSetting) is { Length: > 0 } name)
        {
            try
            {
                await fixture.Docker.Images.InspectImageAsync(name, ct);
            }
            catch (DockerImageNotFoundException)
            {
                throw new InvalidOperationException($"{FinalServerImageSetting}={name}, but there is no such image");
            }

            return new DockerImage(name);
        }

        var aotSdk = fixture.Settings.ServerSdkImage;
        fixture.SkipIf(aotSdk is null,
            $"no SDK image with the Native AOT toolchain: neither {ImageSettings.McrServerSdkImage} nor {ImageSettings.LocalServerSdkImage} " +
            "is present. Make the stand-ins with `bash docker/build-local-sdk.sh`.");
        return await fixture.Images.FinalServerAsync(aotSdk, ct);
    }

    /// <summary>The names in the container's /app, read through the engine (the image has no shell or ls).</summary>
    private async Task<List<string>> AppFilesAsync(IContainer container, CancellationToken ct)
    {
        var archive = await fixture.Docker.Containers.GetArchiveFromContainerAsync(container.Id,
            new ContainerPathStatParameters { Path = "/app" }, statOnly: false, ct);
        await using var stream = archive.Stream ?? throw new InvalidOperationException($"no archive of /app in {container.Name}");
        await using var reader = new TarReader(stream);
        var files = new List<string>();
        while (await reader.GetNextEntryAsync(copyData: false, ct) is { } entry)
        {
            if (entry.EntryType is TarEntryType.RegularFile or TarEntryType.V7RegularFile)
            {
                files.Add(entry.Name["app/".Length..]);
            }
        }

        return files;
    }
}
