using Microsoft.Extensions.Logging;

namespace ChatRoom.ContainerTests.Harness;

/// <summary>
/// Testcontainers' log of one image build, every level: the builder's own output ("Step 3/12 ...", what a RUN prints)
/// comes at debug level. Each line goes to the test output as progress and is kept for failure messages.
/// </summary>
internal sealed class BuildLog(string image, MessageSinkLogger log) : ILogger
{
    private readonly List<string> _lines = [];

    public string Text
    {
        get
        {
            lock (_lines)
            {
                return string.Join(Environment.NewLine, _lines);
            }
        }
    }

    public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

    public bool IsEnabled(LogLevel logLevel) => true;

    public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
    {
        var message = formatter(state, exception);
        // Its .dockerignore parsing logs one line per pattern: noise.
        if (message.EndsWith("added to the regex cache", StringComparison.Ordinal))
        {
            return;
        }

        lock (_lines)
        {
            _lines.Add(message);
        }

        log.Report($"build {image}: {message}");
    }
}
