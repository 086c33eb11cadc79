using System.Buffers;
using System.Diagnostics.Metrics;
using System.IO.Pipelines;
using System.Text;
using ChatRoom.Server.Memory;
using ChatRoom.Server.Sessions;
using ChatRoom.Server.Telemetry;
using Microsoft.Extensions.DependencyInjection;

namespace ChatRoom.Server.Tests;

/// <summary>
/// One connection's outbound queue, writing into a real pipe over the server's 4 KiB blocks: every line arrives whole
/// and in its sender's order, however lines fall across blocks, batches and flushes.
/// </summary>
public sealed class OutboxTests : IDisposable
{
    private const int Senders = 4;
    private const int LinesPerSender = 3_000;

    private readonly PageBlockPool _pool = new();
    private readonly ServiceProvider _services = new ServiceCollection().AddMetrics().BuildServiceProvider();

    public void Dispose()
    {
        _services.Dispose();
        _pool.Dispose();
    }

    [Fact]
    public async Task LinesOfEverySizeFromSeveralSendersArriveWholeAndInOrder()
    {
        var socket = new Pipe(new PipeOptions(pool: _pool, useSynchronizationContext: false));
        var outbox = new Outbox(socket.Writer, maxQueuedBytes: int.MaxValue, new ChatMetrics(_services.GetRequiredService<IMeterFactory>()));
        var reading = Task.Run(() => ReadAllAsync(socket.Reader));

        await Task.WhenAll(Enumerable.Range(0, Senders).Select(sender => Task.Run(() =>
        {
            for (var sequence = 0; sequence < LinesPerSender; sequence++)
            {
                Assert.True(outbox.TryEnqueue(Line(sender, sequence), receivedTimestamp: sequence + 1, madeTimestamp: sequence + 1));
            }
        })));
        await outbox.CompleteAsync().WaitAsync(TimeSpan.FromSeconds(30));
        await socket.Writer.CompleteAsync();

        var received = await reading.WaitAsync(TimeSpan.FromSeconds(30));
        for (var sender = 0; sender < Senders; sender++)
        {
            Assert.Equal(LinesPerSender, received[sender].Count);
            for (var sequence = 0; sequence < LinesPerSender; sequence++)
            {
                Assert.Equal(Encoding.ASCII.GetString(Line(sender, sequence).Span), received[sender][sequence]);
            }
        }
    }

    [Fact]
    public async Task OutboxKnowsWhatItsClientIsOwedAndSinceWhenUntilTheSocketTakesIt()
    {
        // A socket that takes nothing until told to: the pipe pauses the writer beyond 16 KiB.
        var socket = new Pipe(new PipeOptions(pool: _pool, pauseWriterThreshold: 16 * 1024, resumeWriterThreshold: 8 * 1024, useSynchronizationContext: false));
        var outbox = new Outbox(socket.Writer, maxQueuedBytes: 1024 * 1024, Metrics());
        var line = new byte[1000];

        Assert.Equal((0, 0), (outbox.QueuedBytes, outbox.OldestQueuedTimestamp));
        EnqueueAsOneRead(outbox, line, count: 100, firstMade: 1_000);

        // The drain has written a first part into the pipe and waits for the socket; all of it is still owed, with the
        // entries that hold the lines and what the pipe may hold before the flush that waits.
        await WaitUntilAsync(() => socket.Reader.TryRead(out var peek) && Peek(socket.Reader, peek));
        Assert.Equal((100 * (1000 + Outbox.EntryBytes)) + Outbox.MaxBytesInPipe, outbox.QueuedBytes);
        Assert.Equal(1_000, outbox.OldestQueuedTimestamp);

        // Past the hard cap, nothing more is taken.
        Assert.False(outbox.TryEnqueue(new byte[1024 * 1024], receivedTimestamp: 0, madeTimestamp: 5_000));

        var taken = await ReadBytesAsync(socket.Reader, 100 * 1000);
        Assert.Equal(100 * 1000, taken);
        await WaitUntilAsync(() => outbox.QueuedBytes == 0);
        Assert.Equal(0, outbox.OldestQueuedTimestamp);
    }

    // Queued as one read loop's lines are: the drain starts once all of them are queued and takes them as one batch.
    private static void EnqueueAsOneRead(Outbox outbox, byte[] line, int count, long firstMade)
    {
        using var held = DrainBatch.Open();
        for (var i = 0; i < count; i++)
        {
            Assert.True(outbox.TryEnqueue(line, receivedTimestamp: 0, madeTimestamp: firstMade + i));
        }
    }

    [Fact]
    public async Task AbandonedOutboxDropsWhatItOwesAndWritesItsLastWordsAfterWhatIsInThePipe()
    {
        var socket = new Pipe(new PipeOptions(pool: _pool, pauseWriterThreshold: 16 * 1024, resumeWriterThreshold: 8 * 1024, useSynchronizationContext: false));
        var outbox = new Outbox(socket.Writer, maxQueuedBytes: 64 * 1024 * 1024, Metrics());
        for (var i = 0; i < 1000; i++)
        {
            Assert.True(outbox.TryEnqueue(Encoding.ASCII.GetBytes($"line {i:D4} {new string('x', 990)}\n"), 0, 1));
        }

        outbox.Abandon("ERR bye\n"u8.ToArray());
        Assert.True(outbox.TryEnqueue("after\n"u8.ToArray(), 0, 2)); // accepted and dropped: nobody is owed it
        var completed = outbox.CompleteAsync();

        var lines = (await ReadAllTextAsync(socket.Reader, completed, socket.Writer)).Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal("ERR bye", lines[^1]);
        Assert.True(lines.Length < 1000, $"{lines.Length} lines were written: the owed ones should have been dropped");
        Assert.Equal(Enumerable.Range(0, lines.Length - 1).Select(i => $"line {i:D4} {new string('x', 990)}"), lines[..^1]);
        Assert.Equal(0, outbox.QueuedBytes);
    }

    private ChatMetrics Metrics() => new(_services.GetRequiredService<IMeterFactory>());

    private static bool Peek(PipeReader reader, ReadResult result)
    {
        var any = result.Buffer.Length > 0;
        reader.AdvanceTo(result.Buffer.Start);
        return any;
    }

    private static async Task WaitUntilAsync(Func<bool> condition)
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        while (!condition())
        {
            await Task.Delay(5, timeout.Token);
        }
    }

    private static async Task<long> ReadBytesAsync(PipeReader reader, long count)
    {
        long taken = 0;
        while (taken < count)
        {
            var result = await reader.ReadAsync().AsTask().WaitAsync(TimeSpan.FromSeconds(10));
            taken += result.Buffer.Length;
            reader.AdvanceTo(result.Buffer.End);
        }

        return taken;
    }

    private static async Task<string> ReadAllTextAsync(PipeReader reader, Task completed, PipeWriter writer)
    {
        var text = new StringBuilder();
        var done = completed.ContinueWith(_ => writer.Complete(), TaskScheduler.Default);
        while (true)
        {
            var result = await reader.ReadAsync().AsTask().WaitAsync(TimeSpan.FromSeconds(10));
            text.Append(Encoding.ASCII.GetString(result.Buffer));
            reader.AdvanceTo(result.Buffer.End);
            if (result.IsCompleted)
            {
                await done;
                return text.ToString();
            }
        }
    }

    /// <summary>
    /// "sender sequence xxxx…\n": most a few dozen bytes, some longer than a block, every 500th longer than one flush
    /// (64 KiB), as a /who of a very big room would be.
    /// </summary>
    private static ReadOnlyMemory<byte> Line(int sender, int sequence)
    {
        var length = sequence % 500 == 499 ? 70_000 + sequence : sequence % 50 == 7 ? 4_000 + sequence : 20 + (sequence * 7 % 180);
        var head = $"{sender} {sequence} ";
        var filler = (char)('a' + (sequence + sender) % 26);
        return Encoding.ASCII.GetBytes(head + new string(filler, length) + "\n");
    }

    private static async Task<List<string>[]> ReadAllAsync(PipeReader reader)
    {
        var lines = Enumerable.Range(0, Senders).Select(_ => new List<string>()).ToArray();
        while (true)
        {
            var result = await reader.ReadAsync();
            var buffer = result.Buffer;
            while (buffer.PositionOf((byte)'\n') is { } end)
            {
                var line = Encoding.ASCII.GetString(buffer.Slice(0, buffer.GetPosition(1, end)));
                lines[line[0] - '0'].Add(line);
                buffer = buffer.Slice(buffer.GetPosition(1, end));
            }

            reader.AdvanceTo(buffer.Start, buffer.End);
            if (result.IsCompleted)
            {
                Assert.True(buffer.IsEmpty, "bytes after the last line");
                return lines;
            }
        }
    }
}
