using System.CommandLine;
using ChatRoom.Client.Hosting;

// ChatRoom console client: interactive on a terminal, line by line when piped, a bot with --simulate.
// See README.md and `--help`. Ctrl+C and SIGTERM are the generic host's to handle (ClientApp), not the parser's.
return await ClientCommandLine.Create()
    .Parse(args)
    .InvokeAsync(new InvocationConfiguration { ProcessTerminationTimeout = null });
