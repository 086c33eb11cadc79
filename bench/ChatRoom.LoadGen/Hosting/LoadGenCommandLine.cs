using System.CommandLine;
using System.Globalization;
using ChatRoom.LoadGen.Load;
using ChatRoom.LoadGen.Scenarios;

namespace ChatRoom.LoadGen.Hosting;

/// <summary>The load generator's command line: options, their validation, and the action that runs the scenarios.</summary>
public static class LoadGenCommandLine
{
    public static RootCommand Create()
    {
        var scenarios = new Option<IReadOnlyList<Scenario>>("--scenario")
        {
            Description = "Scenarios to run: 'all' (a-e) or a comma-separated list of a, b, c, d, e, f (for --servers) and the abuse campaigns " +
                          "storm, shutdown, flood (ChatRoom only; not part of 'all')",
            HelpName = "names",
            DefaultValueFactory = _ => Scenario.All,
            CustomParser = result =>
            {
                var text = result.Tokens is [var token] ? token.Value : string.Empty;
                if (Scenario.TryParseList(text, out var chosen, out var unknown))
                {
                    return chosen;
                }

                result.AddError($"--scenario: unknown scenario '{unknown ?? text}' (known: a, b, c, d, e, f, storm, shutdown, flood, all)");
                return [];
            },
        };
        var target = new Option<TargetChoice>("--target")
        {
            Description = "Servers to measure: chatroom, ncat, ngircd, both (ChatRoom, then ncat, for each scenario) or all (ChatRoom, ncat, ngircd)",
            DefaultValueFactory = _ => TargetChoice.Both,
        };
        var warmup = DurationOption("--warmup", "Load before the measurement window opens", TimeSpan.FromSeconds(2));
        var duration = DurationOption("--duration", "Length of the measurement window", TimeSpan.FromSeconds(10));
        var setupTimeout = DurationOption("--setup-timeout",
            "Time one run may take to start its server, connect and join every client, and drain the join backlog",
            TimeSpan.FromSeconds(60));
        var deadline = DurationOption("--deadline", "The whole run stops after this long, whatever is left", TimeSpan.FromMinutes(10));
        var messageBytes = new Option<int>("--message-bytes")
        {
            Description = "Size of each message body in bytes (the server adds its own prefix)",
            HelpName = "bytes",
            DefaultValueFactory = _ => 64,
        };
        messageBytes.Validators.Add(result =>
        {
            if (result.GetValueOrDefault<int>() is < Payload.MinimumBytes or > 4000)
            {
                result.AddError($"--message-bytes must be between {Payload.MinimumBytes} and 4000");
            }
        });
        var stormRounds = new Option<int>("--storm-rounds")
        {
            Description = "Rounds of the storm campaign, each 1,000 connections that join and are reset at once",
            HelpName = "rounds",
            DefaultValueFactory = _ => 5,
        };
        stormRounds.Validators.Add(result =>
        {
            if (result.GetValueOrDefault<int>() is < 1 or > 100)
            {
                result.AddError("--storm-rounds must be between 1 and 100");
            }
        });
        var serverPath = new Option<string>("--server", "--server-dll")
        {
            Description = "The built server: a .dll is run as 'dotnet <dll>' (dotnet build ChatRoom.Server -c Release), anything else as an executable (e.g. a Native AOT publish)",
            HelpName = "path",
            DefaultValueFactory = _ => Path.Combine("ChatRoom.Server", "bin", "Release", "net10.0", "ChatRoom.Server.dll"),
        };
        var ncat = new Option<string>("--ncat")
        {
            Description = "The ncat executable (Debian: apt-get install ncat)",
            HelpName = "path",
            DefaultValueFactory = _ => "ncat",
        };
        var ngircd = new Option<string>("--ngircd")
        {
            Description = "The ngircd executable (Debian: apt-get install ngircd)",
            HelpName = "path",
            DefaultValueFactory = _ => "ngircd",
        };
        var servers = new Option<int>("--servers")
        {
            Description = "ChatRoom only: run N servers sharing one room through a Redis the generator starts, clients spread evenly over them",
            HelpName = "count",
            DefaultValueFactory = _ => 1,
        };
        servers.Validators.Add(result =>
        {
            if (result.GetValueOrDefault<int>() is < 1 or > 16)
            {
                result.AddError("--servers must be between 1 and 16");
            }
        });
        var redisServer = new Option<string>("--redis-server")
        {
            Description = "The redis-server executable, for --servers above 1 (Debian: apt-get install redis-server)",
            HelpName = "path",
            DefaultValueFactory = _ => "redis-server",
        };
        var output = new Option<string>("--output")
        {
            Description = "Where to save the results as JSON",
            HelpName = "file",
            DefaultValueFactory = _ => Path.Combine("bench", "results",
                DateTime.UtcNow.ToString("yyyyMMdd'T'HHmmss'Z'", CultureInfo.InvariantCulture) + ".json"),
        };

        var root = new RootCommand(
            "ChatRoom fan-out load generator. Starts the servers itself (ChatRoom from its build, and ncat --chat), " +
            "opens the scenario's connections, sends, reads everything on every connection, and reports deliveries/s, " +
            "delivery ratio, latency percentiles, server CPU per million deliveries and resident memory.")
        {
            scenarios, target, warmup, duration, setupTimeout, deadline, messageBytes, stormRounds, serverPath, ncat, ngircd, servers, redisServer, output,
        };
        root.SetAction((parse, cancellationToken) =>
        {
            var settings = new LoadGenSettings(
                parse.GetRequiredValue(scenarios),
                parse.GetValue(target),
                parse.GetValue(warmup),
                parse.GetValue(duration),
                parse.GetValue(setupTimeout),
                parse.GetValue(deadline),
                parse.GetValue(messageBytes),
                parse.GetRequiredValue(serverPath),
                parse.GetRequiredValue(ncat),
                parse.GetRequiredValue(ngircd),
                parse.GetRequiredValue(output),
                parse.GetValue(stormRounds),
                parse.GetValue(servers),
                parse.GetRequiredValue(redisServer));
            return LoadGenApp.RunAsync(settings, cancellationToken);
        });
        return root;
    }

    private static Option<TimeSpan> DurationOption(string name, string description, TimeSpan defaultValue) => new(name)
    {
        // System.CommandLine's help prints the default itself, as 00:00:10: a form --duration accepts too.
        Description = description,
        HelpName = "duration",
        DefaultValueFactory = _ => defaultValue,
        CustomParser = Durations.Parse,
    };
}
