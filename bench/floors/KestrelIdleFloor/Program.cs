// Kestrel's floor for scenario d: a connection handler that does nothing but read, so that what an idle connection
// weighs here is Kestrel's socket transport and the runtime alone. bench/floors/run.sh connects 10,000 clients
// and compares its resident memory with ChatRoom's. Usage: KestrelIdleFloor <port>
using Microsoft.AspNetCore.Connections;

var builder = WebApplication.CreateSlimBuilder(args);
var port = int.Parse(args[0], System.Globalization.CultureInfo.InvariantCulture);
builder.WebHost.ConfigureKestrel(kestrel => kestrel.ListenLocalhost(port, listen => listen.UseConnectionHandler<ReadOnlyHandler>()));
var app = builder.Build();

// ChatRoom collects once a wave of connections has arrived (MemoryReclaimer); so does this, every few seconds, so
// that the garbage of 10,000 accepts is not counted as the connections' weight.
using var collector = new Timer(static _ => GC.Collect(), null, TimeSpan.FromSeconds(3), TimeSpan.FromSeconds(3));
app.Run();

internal sealed class ReadOnlyHandler : ConnectionHandler
{
    public override async Task OnConnectedAsync(ConnectionContext connection)
    {
        var input = connection.Transport.Input;
        while (true)
        {
            var result = await input.ReadAsync();
            input.AdvanceTo(result.Buffer.End);
            if (result.IsCompleted)
            {
                return;
            }
        }
    }
}
