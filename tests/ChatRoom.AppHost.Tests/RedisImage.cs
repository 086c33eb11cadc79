using System.Diagnostics;
using Xunit.Abstractions;
using Xunit.Sdk;

namespace ChatRoom.AppHost.Tests;

/// <summary>
/// The Redis image the AppHost runs for <c>Servers</c> above 1 in these tests: <c>CHATROOM_REDIS_IMAGE</c>, else the local
/// stand-in of docker/build-local-redis.sh. A test that needs it and finds no container engine or no such image reports
/// itself skipped, with one "SKIPPED:" line.
/// </summary>
public sealed class RedisImage(IMessageSink diagnostics)
{
    public string NameOrSkip()
    {
        var image = Environment.GetEnvironmentVariable("CHATROOM_REDIS_IMAGE") is { Length: > 0 } set ? set : "chatroom-redis:7-bookworm";
        var missing = Docker("info") != 0 ? "no container engine answers (docker info): start one, e.g. `sudo bash .ci/containers`"
            : Docker("image", "inspect", image) != 0 ? $"no Redis image {image} for Servers=2: build it with `bash docker/build-local-redis.sh` (or `sudo bash .ci/containers`)"
            : null;
        if (missing is not null)
        {
            diagnostics.OnMessage(new DiagnosticMessage($"SKIPPED: {missing}"));
            throw new Xunit.SkipException(missing);
        }

        return image;
    }

    private static int Docker(params string[] arguments)
    {
        var start = new ProcessStartInfo("docker") { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        try
        {
            using var docker = Process.Start(start)!;
            docker.StandardOutput.ReadToEnd();
            docker.StandardError.ReadToEnd();
            docker.WaitForExit();
            return docker.ExitCode;
        }
        catch (System.ComponentModel.Win32Exception)
        {
            return -1; // no docker command at all
        }
    }
}
