using Xunit.Abstractions;
using Xunit.Sdk;

namespace ChatRoom.Dashboard.Tests.Harness;

/// <summary>
/// Progress of the slow steps (the AppHost starting, compose coming up, pages loading) as xunit diagnostic messages,
/// which xunit.runner.json turns on so `dotnet test` prints them.
/// </summary>
public sealed class ProgressLog(IMessageSink sink)
{
    private readonly DateTime _start = DateTime.UtcNow;

    public void Report(string message) =>
        sink.OnMessage(new DiagnosticMessage($"[dashboard-tests {DateTime.Now:HH:mm:ss} +{(DateTime.UtcNow - _start).TotalSeconds:0.0}s] {message}"));
}
