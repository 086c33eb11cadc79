using System.Buffers;
using System.Diagnostics.Metrics;
using System.IO.Pipelines;
using System.Text;
using ChatRoom.Server.Connections;
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
                Assert.True(outbox.TryEnqueue(Line(sender, sequence), receivedTimestamp: sequence + 1));
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
