using System.Diagnostics;
using Xunit.Abstractions;
using Xunit.Sdk;

namespace ChatRoom.AppHost.Tests.Harness;

/// <summary>
/// The Redis image the AppHost runs for <c>Servers</c> above 1 in these tests: <c>CHATROOM_REDIS_IMAGE</c>, else the local
/// stand-in of docker/build-local-redis.sh, else <c>redis:7</c>, whichever the engine has (.ci/containers provides one of
/// the last two). A test that needs it and finds no container engine or no such image reports itself skipped, with one
/// "SKIPPED:" line.
/// </summary>
public sealed class RedisImage(IMessageSink diagnostics)
{
    public string NameOrSkip()
    {
        string[] candidates = Environment.GetEnvironmentVariable("CHATROOM_REDIS_IMAGE") is { Length: > 0 } set
            ? [set]
            : ["chatroom-redis:7-bookworm", "redis:7"];
        if (Docker("info") != 0)
        {
            Skip("no container engine answers (docker info): start one, e.g. `sudo bash .ci/containers`");
        }

        return candidates.FirstOrDefault(candidate => Docker("image", "inspect", candidate) == 0)
               ?? Skip($"no Redis image ({string.Join(" or ", candidates)}) for Servers=2: build one with `bash docker/build-local-redis.sh` (or `sudo bash .ci/containers`)");
    }

    private string Skip(string missing)
    {
        diagnostics.OnMessage(new DiagnosticMessage($"SKIPPED: {missing}"));
        throw new Xunit.SkipException(missing);
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
