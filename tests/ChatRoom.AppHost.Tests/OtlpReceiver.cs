using System.Collections.Concurrent;
using System.Net.Sockets;
using System.Text;

namespace ChatRoom.AppHost.Tests;

/// <summary>
/// A stand-in for the dashboard's OTLP/HTTP endpoint: accepts every POST (<c>/v1/metrics</c>, <c>/v1/traces</c>,
/// <c>/v1/logs</c>), answers 200 with an empty protobuf response, and keeps the bodies. OTLP/protobuf carries names
/// (meter, instrument, span, service) as plain UTF-8 strings, and the .NET exporter does not compress unless told
/// to, so a byte search finds them without a protobuf decoder.
/// </summary>
public sealed class OtlpReceiver : IDisposable
{
    private readonly HttpListener _listener = new();
    private readonly ConcurrentQueue<(string Path, byte[] Body)> _requests = new();

    public OtlpReceiver()
    {
        var port = FreeLoopbackPort();
        Endpoint = $"http://127.0.0.1:{port}";
        _listener.Prefixes.Add(Endpoint + "/");
        _listener.Start();
        _ = AcceptAsync();
    }

    /// <summary>The base URL to give as <c>OTEL_EXPORTER_OTLP_ENDPOINT</c> (the exporter appends /v1/...).</summary>
    public string Endpoint { get; }

    /// <summary>The paths of the requests received so far, for failure messages.</summary>
    public string Summary()
    {
        var counts = _requests.GroupBy(r => r.Path).Select(g => $"{g.Key} x{g.Count()}").ToArray();
        return counts.Length == 0 ? "no OTLP request at all" : string.Join(", ", counts);
    }

    /// <summary>Waits until a request to <paramref name="path"/> carries every one of <paramref name="texts"/>.</summary>
    public async Task<bool> WaitForAsync(string path, string[] texts, CancellationToken ct)
    {
        var needles = texts.Select(Encoding.UTF8.GetBytes).ToArray();
        while (!ct.IsCancellationRequested)
        {
            if (_requests.Any(r => r.Path == path && needles.All(n => r.Body.AsSpan().IndexOf(n) >= 0)))
            {
                return true;
            }

            try
            {
                await Task.Delay(TimeSpan.FromMilliseconds(250), ct);
            }
            catch (OperationCanceledException)
            {
                break;
            }
        }

        return false;
    }

    public void Dispose() => _listener.Close();

    private async Task AcceptAsync()
    {
        while (true)
        {
            HttpListenerContext context;
            try
            {
                context = await _listener.GetContextAsync();
            }
            catch (Exception e) when (e is HttpListenerException or ObjectDisposedException or InvalidOperationException)
            {
                return; // closed
            }

            _ = ReceiveAsync(context);
        }
    }

    private async Task ReceiveAsync(HttpListenerContext context)
    {
        try
        {
            using var body = new MemoryStream();
            await context.Request.InputStream.CopyToAsync(body);
            _requests.Enqueue((context.Request.Url?.AbsolutePath ?? string.Empty, body.ToArray()));

            context.Response.StatusCode = 200;
            context.Response.ContentType = "application/x-protobuf";
            context.Response.ContentLength64 = 0;
            context.Response.Close();
        }
        catch (Exception e) when (e is HttpListenerException or IOException or ObjectDisposedException or InvalidOperationException)
        {
            // The exporter gave up or the receiver is closing; nothing to keep.
        }
    }

    private static int FreeLoopbackPort()
    {
        using var probe = new TcpListener(IPAddress.Loopback, 0);
        probe.Start();
        return ((IPEndPoint)probe.LocalEndpoint).Port;
    }
}
