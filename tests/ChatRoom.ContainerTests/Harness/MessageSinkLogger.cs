using Microsoft.Extensions.Logging;
using Xunit.Abstractions;
using Xunit.Sdk;

namespace ChatRoom.ContainerTests.Harness;

/// <summary>
/// Progress of the slow steps (publishing, image builds, container starts) as xunit diagnostic messages, which
/// xunit.runner.json turns on so `dotnet test` prints them; also Testcontainers' own log, from Information up.
/// </summary>
internal sealed class MessageSinkLogger(IMessageSink sink) : ILogger
{
    private readonly DateTime _start = DateTime.UtcNow;

    public void Report(string message) =>
        sink.OnMessage(new DiagnosticMessage($"[container-tests {DateTime.Now:HH:mm:ss} +{(DateTime.UtcNow - _start).TotalSeconds:0.0}s] {message}"));

    public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

    public bool IsEnabled(LogLevel logLevel) => logLevel >= LogLevel.Information;

    public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
    {
        var message = formatter(state, exception);
        // Its .dockerignore parsing logs one line per pattern: noise.
        if (IsEnabled(logLevel) && !message.EndsWith("added to the regex cache", StringComparison.Ordinal))
        {
            Report($"testcontainers: {message}");
        }
    }
}
