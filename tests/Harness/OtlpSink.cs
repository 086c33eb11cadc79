using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace ChatRoom.Tests.Harness;

/// <summary>
/// A stand-in OTLP/HTTP collector: a minimal Kestrel app on 127.0.0.1 and a free port that keeps every
/// <c>POST /v1/{signal}</c> it receives (signal, content type, body) and answers 200, as the Aspire dashboard's
/// OTLP/HTTP endpoint does.
/// </summary>
public sealed class OtlpSink : IAsyncDisposable
{
    private static readonly TimeSpan StartStopTimeout = TimeSpan.FromSeconds(15);

    private readonly WebApplication _app;
    private readonly ConcurrentQueue<OtlpRequest> _requests = new();

    private OtlpSink(WebApplication app) => _app = app;

    /// <summary>The base address to give OTEL_EXPORTER_OTLP_ENDPOINT.</summary>
    public Uri Endpoint { get; private set; } = null!;

    public IReadOnlyCollection<OtlpRequest> Requests => _requests;

    public static async Task<OtlpSink> StartAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.SetMinimumLevel(LogLevel.Warning);
        builder.WebHost.ConfigureKestrel(kestrel => kestrel.Listen(IPAddress.Loopback, 0));
        var app = builder.Build();
        var sink = new OtlpSink(app);
        app.MapPost("/v1/{signal}", async (string signal, HttpRequest request) =>
        {
            using var body = new MemoryStream();
            await request.Body.CopyToAsync(body);
            sink._requests.Enqueue(new OtlpRequest(signal, request.ContentType, body.ToArray()));
            return Results.Ok();
        });

        using (var timeout = new CancellationTokenSource(StartStopTimeout))
        {
            await app.StartAsync(timeout.Token);
        }

        sink.Endpoint = new Uri(Assert.Single(app.Urls));
        return sink;
    }

    /// <summary>
    /// Waits (bounded by <paramref name="timeout"/>) for a request on <paramref name="signal"/> whose body holds
    /// every one of <paramref name="strings"/> as UTF-8; OTLP protobuf carries names and string values as plain UTF-8.
    /// </summary>
    public async Task<OtlpRequest> WaitForAsync(string signal, TimeSpan timeout, params string[] strings)
    {
        var waited = Stopwatch.StartNew();
        while (true)
        {
            var match = _requests.FirstOrDefault(r => r.Signal == signal && strings.All(r.Contains));
            if (match is not null)
            {
                return match;
            }

            if (waited.Elapsed > timeout)
            {
                var missing = strings.Where(s => !_requests.Any(r => r.Signal == signal && r.Contains(s)));
                Assert.Fail(
                    $"no POST /v1/{signal} holding all of [{string.Join(", ", strings)}] within {timeout.TotalSeconds} s; " +
                    $"never seen on that signal: [{string.Join(", ", missing)}]. Requests: " +
                    string.Join(", ", _requests.GroupBy(r => r.Signal).Select(g => $"{g.Key} ×{g.Count()}")));
            }

            await Task.Delay(100);
        }
    }

    public async ValueTask DisposeAsync()
    {
        using (var timeout = new CancellationTokenSource(StartStopTimeout))
        {
            await _app.StopAsync(timeout.Token);
        }

        await _app.DisposeAsync();
    }
}
