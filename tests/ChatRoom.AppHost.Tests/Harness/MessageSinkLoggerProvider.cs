using Microsoft.Extensions.Logging;
using Xunit.Abstractions;
using Xunit.Sdk;

namespace ChatRoom.AppHost.Tests.Harness;

/// <summary>
/// Writes the application's log (the resources' console output among it) to the test output as xunit diagnostic
/// messages, which xunit.runner.json turns on: a failing test then shows what the server and the clients said.
/// </summary>
public sealed class MessageSinkLoggerProvider(IMessageSink sink) : ILoggerProvider
{
    public ILogger CreateLogger(string categoryName) => new MessageSinkLogger(sink, categoryName);

    public void Dispose()
    {
    }

    private sealed class MessageSinkLogger(IMessageSink sink, string category) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => logLevel != LogLevel.None;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter) =>
            sink.OnMessage(new DiagnosticMessage($"[{DateTime.Now:HH:mm:ss.fff}] {logLevel} {category}: {formatter(state, exception)}{(exception is null ? "" : $"\n{exception}")}"));
    }
}
