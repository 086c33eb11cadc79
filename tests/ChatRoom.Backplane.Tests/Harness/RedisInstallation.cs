using Xunit.Abstractions;
using Xunit.Sdk;

namespace ChatRoom.Backplane.Tests.Harness;

/// <summary>
/// Whether Debian's redis-server is here. A test that needs it and finds it missing reports itself skipped, with the one
/// "SKIPPED:" line that every missing prerequisite gets (.ci/run installs it, and fails on that line).
/// </summary>
public sealed class RedisInstallation(IMessageSink diagnostics)
{
    public const string Missing = "redis-server is not installed: apt-get install redis-server (.ci/run installs it)";

    /// <summary>Starts a Redis of the test's own, or skips the test when there is no redis-server.</summary>
    public Task<RedisServer> StartAsync()
    {
        if (RedisServer.Executable is null)
        {
            diagnostics.OnMessage(new DiagnosticMessage($"SKIPPED: {Missing}"));
            throw new Xunit.SkipException(Missing);
        }

        return RedisServer.StartAsync();
    }
}
