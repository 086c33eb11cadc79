using System.IO.Pipelines;
using BenchmarkDotNet.Attributes;
using ChatRoom.Protocol.Framing;

namespace ChatRoom.Benchmarks;

/// <summary>
/// Framing lines out of a <see cref="Pipe"/> the way a session reads its connection: a batch of lines arrives as one
/// read, and <see cref="LineFramer"/> takes them off one by one. Results are per line. At 200 bytes a batch spans
/// several pipe segments, so some lines straddle two.
/// </summary>
[MemoryDiagnoser]
public class LineFramingBenchmarks
{
    private const int LinesPerRead = 64;

    private readonly Pipe _pipe = new(new PipeOptions(pauseWriterThreshold: 0, useSynchronizationContext: false));
    private LineFramer _framer = new(4096);
    private byte[] _read = [];

    [Params(16, 200)]
    public int LineBytes { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        var line = new byte[LineBytes + 1];
        line.AsSpan().Fill((byte)'a');
        line[^1] = (byte)'\n';
        _read = [.. Enumerable.Repeat(line, LinesPerRead).SelectMany(bytes => bytes)];
    }

    [Benchmark(OperationsPerInvoke = LinesPerRead)]
    public async Task<int> FrameLine()
    {
        await _pipe.Writer.WriteAsync(_read).ConfigureAwait(false);
        var result = await _pipe.Reader.ReadAsync().ConfigureAwait(false);
        var buffer = result.Buffer;
        var lines = 0;
        while (_framer.TryRead(ref buffer, out _) == FrameStatus.Line)
        {
            lines++;
        }

        _pipe.Reader.AdvanceTo(buffer.Start, buffer.End);
        return lines;
    }
}
