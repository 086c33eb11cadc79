using System.Net.Sockets;
using System.Text;
using ChatRoom.Server.Memory;
using ChatRoom.Tests.Harness;
using Microsoft.Extensions.DependencyInjection;
using Xunit.Abstractions;

namespace ChatRoom.Server.Tests;

/// <summary>
/// While flood control delays a client, its reads pause: what it keeps sending waits in the kernel's buffers and,
/// once those are full, in the client itself, instead of piling up in the server's memory.
/// </summary>
public sealed class ThrottledReadTests(ITestOutputHelper output)
{
    private const int Flooders = 40;
    private const int MaxLineBytes = 4096;

    // Per connection: the read pipe pauses at 2 x MaxLineBytes, plus the block the transport is reading into and one
    // for the ERR line on its way out. Kestrel's default pause threshold would let each hold 1 MiB.
    private const int PerConnectionBound = (2 * MaxLineBytes) + (3 * PageBlockPool.BlockSize);

    [Fact]
    public async Task ThrottledConnectionsPushBackInsteadOfFillingTheServersBuffers()
    {
        // One line at once, then one every 10 s: every flooder is throttled from its second line on, and stays so.
        await using var server = await TestChatServer.StartAsync(
            "Flood:Burst=1", "Flood:LinesPerSecond=0.1", "Flood:MaxDelayedLines=1000000");
        var observer = await server.JoinAsync("observer");
        var pools = server.Services.GetRequiredService<PageBlockPoolFactory>().Pools;
        var before = RentedBytes(pools);
        var peak = before;
        var sockets = new List<Socket>();
        try
        {
            for (var i = 0; i < Flooders; i++)
            {
                sockets.Add(await server.JoinWithoutReadingAsync($"flooder{i}", receiveBufferSize: 4096));
            }

            using var sampling = new CancellationTokenSource();
            var sampler = Task.Run(async () =>
            {
                while (!sampling.IsCancellationRequested)
                {
                    peak = Math.Max(peak, RentedBytes(pools));
                    await Task.Delay(5, CancellationToken.None);
                }
            });

            var pushed = await Task.WhenAll(sockets.Select(PushUntilTheServerStopsTakingAsync));
            await sampling.CancelAsync();
            await sampler;
            peak = Math.Max(peak, RentedBytes(pools));

            output.WriteLine($"{Flooders} throttled connections pushed {pushed.Sum() / 1024} KiB in all (at least {pushed.Min() / 1024} KiB each); " +
                $"the server's buffers grew by at most {(peak - before) / 1024} KiB");

            // Each pushed far more than the server may hold for it: TCP, not the server, held the rest.
            Assert.All(pushed, bytes => Assert.True(bytes > 4 * PerConnectionBound, $"a flooder could push only {bytes} bytes"));
            Assert.True(peak - before <= Flooders * (long)PerConnectionBound,
                $"throttled connections held {(peak - before) / 1024} KiB of buffers, more than {Flooders} x {PerConnectionBound / 1024} KiB");
        }
        finally
        {
            sockets.ForEach(socket => socket.Dispose());
        }

        await observer.SendLineAsync("/ping after");
        await observer.ReadUntilAsync("PONG after");
    }

    private static long RentedBytes(IEnumerable<PageBlockPool> pools) => pools.Sum(pool => (long)pool.RentedBlocks) * PageBlockPool.BlockSize;

    /// <summary>
    /// Writes short lines without blocking until the socket has taken nothing for a while (its buffers and the server's
    /// kernel buffers are full); returns how many bytes it took.
    /// </summary>
    private static async Task<long> PushUntilTheServerStopsTakingAsync(Socket socket)
    {
        var lines = Encoding.ASCII.GetBytes(string.Concat(Enumerable.Repeat("flood flood flood flood flood flood\n", 1800)));
        socket.Blocking = false;
        long pushed = 0;
        var refusedInARow = 0;
        for (var attempt = 0; attempt < 20_000 && refusedInARow < 20; attempt++)
        {
            var sent = socket.Send(lines, 0, lines.Length, SocketFlags.None, out var error);
            if (error == SocketError.WouldBlock || sent == 0)
            {
                refusedInARow++;
                await Task.Delay(25);
                continue;
            }

            Assert.Equal(SocketError.Success, error);
            pushed += sent;
            refusedInARow = 0;
        }

        Assert.True(refusedInARow >= 20, "the server kept reading from a throttled client");
        return pushed;
    }
}
