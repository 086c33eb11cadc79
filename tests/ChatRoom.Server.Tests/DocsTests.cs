using System.Diagnostics.Metrics;
using System.Globalization;
using System.Reflection;
using System.Runtime.CompilerServices;
using System.Text.RegularExpressions;
using ChatRoom.Client.Telemetry;
using ChatRoom.Protocol.Commands;
using ChatRoom.Protocol.Events;
using ChatRoom.Server.Options;
using ChatRoom.Server.Sessions;
using ChatRoom.Server.Telemetry;
using ChatRoom.Tests.Harness;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace ChatRoom.Server.Tests;

/// <summary>
/// The docs name what the code defines, no more and no less: each list is read from the code's own tables (a live
/// server's meter, the options classes, <see cref="ErrorCodes"/>, <see cref="CommandName"/>, the log message
/// definitions) and compared, both ways, with the table of the page that documents it.
/// </summary>
public sealed partial class DocsTests
{
    private static readonly MarkdownPage Protocol = MarkdownPage.Load("docs/protocol.md");
    private static readonly MarkdownPage Configuration = MarkdownPage.Load("docs/configuration.md");
    private static readonly MarkdownPage Observability = MarkdownPage.Load("docs/observability.md");

    [Fact]
    public async Task EveryInstrumentOfTheServerIsDocumentedWithItsKindAndUnitAndNoOtherIs()
    {
        await using var server = await TestChatServer.StartAsync();
        await server.JoinAsync("alice"); // the room and the connections' buffer pools exist once someone has joined

        var instruments = InstrumentsOf(server.Services.GetRequiredService<IMeterFactory>(), ChatMetrics.MeterName);

        AssertSame(Observability, "Server metrics", instruments, Observability.Table("Server metrics", "instrument").Select(row => (row[0], $"{row[1]} {row[2]}")));
    }

    [Fact]
    public void EveryInstrumentOfTheClientIsDocumentedWithItsKindAndUnitAndNoOtherIs()
    {
        using var services = new ServiceCollection().AddMetrics().BuildServiceProvider();
        var factory = services.GetRequiredService<IMeterFactory>();
        _ = new ClientMetrics(factory);

        var instruments = InstrumentsOf(factory, ClientMetrics.MeterName);

        AssertSame(Observability, "Client metrics", instruments, Observability.Table("Client metrics", "instrument").Select(row => (row[0], $"{row[1]} {row[2]}")));
    }

    [Fact]
    public void EveryDisconnectReasonIsDocumentedAndNoOtherIs()
    {
        var reasons = Enum.GetValues<DisconnectReason>().Select(reason => (reason.ToCode(), string.Empty));

        AssertSame(Observability, "chatroom.disconnect.reason values", reasons,
            Observability.Table("Server metrics", "value").Select(row => (row[0], string.Empty)));
    }

    [Fact]
    public void EveryLogMessageIsDocumentedWithItsIdLevelAndTextAndNoOtherIs()
    {
        var table = Observability.Table("Logs", "id");
        AssertSame(Observability, "the server's log messages", LogMessagesOf(typeof(ServerLog)), table.Select(row => (row[0], $"{row[1]} {row[2]}")));
    }

    [Fact]
    public void EveryConfigurationKeyIsDocumentedWithItsDefaultAndNoOtherIs()
    {
        var keys = ConfigurationKeys(ChatOptions.SectionName, new ChatOptions()).ToList();
        var table = Configuration.Table("The server", "key");

        AssertSame(Configuration, "the server's keys", keys.Select(key => (key.Key, string.Empty)), table.Select(row => (row[0], string.Empty)));
        foreach (var (key, value) in keys.Where(key => key.Default is not null))
        {
            var documented = table.Single(row => row[0] == key)[1];
            Assert.True(documented == value, $"{Configuration.Name}: {key} defaults to {value} in ChatOptions, the table says {documented}");
        }
    }

    [Fact]
    public void EveryConfigurationKeyThatAnyPageNamesExists()
    {
        var keys = ConfigurationKeys(ChatOptions.SectionName, new ChatOptions()).Select(key => key.Key).ToHashSet(StringComparer.Ordinal);
        var sections = keys.Select(key => key[..key.LastIndexOf(':')]).ToHashSet(StringComparer.Ordinal);

        foreach (var page in MarkdownPage.All())
        {
            foreach (var named in KeyReference().Matches(page.Text).Select(match => match.Value.Replace("__", ":", StringComparison.Ordinal)))
            {
                var known = named.EndsWith(":*", StringComparison.Ordinal) ? sections.Contains(named[..^2]) : keys.Contains(named);
                Assert.True(known, $"{page.Name} names {named}, which ChatOptions does not have");
            }
        }
    }

    [Fact]
    public void EveryErrorCodeIsDocumentedAndNoOtherIs()
    {
        var codes = typeof(ErrorCodes).GetFields(BindingFlags.Public | BindingFlags.Static)
            .Where(field => field.IsLiteral)
            .Select(field => ((string)field.GetRawConstantValue()!, string.Empty));

        AssertSame(Protocol, "ERR codes", codes, Protocol.Table("Errors", "code").Select(row => (row[0], string.Empty)));
    }

    [Fact]
    public void EveryCommandIsDocumentedInTheProtocolAndInHelpAndNoOtherIs()
    {
        var commands = Enum.GetValues<CommandName>()
            .Where(command => command is not (CommandName.None or CommandName.Unknown))
            .Select(command => command.ToString().ToLowerInvariant())
            .ToList();
        foreach (var command in commands)
        {
            Assert.Equal(command, ChatLine.Parse("/" + command).Command.ToString().ToLowerInvariant());
        }

        var documented = Protocol.Table("Commands", "command").Select(row => CommandWord().Match(row[0]).Groups["name"].Value);
        AssertSame(Protocol, "commands", commands.Select(command => (command, string.Empty)), documented.Select(word => (word, string.Empty)));
        var helped = CommandHelp.Text.Split('\n').Select(line => CommandWord().Match(line.Trim())).Where(match => match.Success).Select(match => match.Groups["name"].Value);
        Assert.Equal(commands.Order(StringComparer.Ordinal), helped.Order(StringComparer.Ordinal));
    }

    [Fact]
    public void EveryTestThatAnyPageNamesExists()
    {
        var tests = Path.Combine(RepositoryRoot(), "tests");
        var sources = Directory.GetFiles(tests, "*Tests.cs", SearchOption.AllDirectories)
            .Where(file => !file.Contains($"{Path.DirectorySeparatorChar}obj{Path.DirectorySeparatorChar}", StringComparison.Ordinal))
            .ToDictionary(file => Path.GetFileNameWithoutExtension(file), File.ReadAllText, StringComparer.Ordinal);

        foreach (var page in MarkdownPage.All())
        {
            foreach (Match named in TestReference().Matches(page.Text))
            {
                var (type, method) = (named.Groups["type"].Value, named.Groups["method"].Value);
                Assert.True(sources.TryGetValue(type, out var source), $"{page.Name} names {type}, which no test file under tests/ defines");
                Assert.True(method.Length == 0 || source.Contains($" {method}(", StringComparison.Ordinal), $"{page.Name} names {type}.{method}, which {type} does not have");
            }
        }
    }

    /// <summary>
    /// Fails, naming the page, unless <paramref name="inCode"/> and <paramref name="inDocs"/> hold the same names, and
    /// each name the same description (kind and unit, level and text; empty where only the name is compared).
    /// </summary>
    private static void AssertSame(MarkdownPage page, string what, IEnumerable<(string Name, string Description)> inCode, IEnumerable<(string Name, string Description)> inDocs)
    {
        var code = inCode.ToDictionary(item => item.Name, item => item.Description, StringComparer.Ordinal);
        var docs = inDocs.ToDictionary(item => item.Name, item => item.Description, StringComparer.Ordinal);
        var undocumented = code.Keys.Except(docs.Keys).Order(StringComparer.Ordinal).ToList();
        var stale = docs.Keys.Except(code.Keys).Order(StringComparer.Ordinal).ToList();
        Assert.True(undocumented.Count == 0, $"{page.Name} lacks {what}: {string.Join(", ", undocumented)}");
        Assert.True(stale.Count == 0, $"{page.Name} lists {what} the code does not have: {string.Join(", ", stale)}");
        foreach (var (name, description) in code)
        {
            Assert.True(docs[name] == description, $"{page.Name}: {name} is '{description}' in the code, '{docs[name]}' in the docs");
        }
    }

    /// <summary>The instruments of the meter <paramref name="meterName"/> that <paramref name="factory"/> made: name, then kind and unit.</summary>
    private static List<(string Name, string Description)> InstrumentsOf(IMeterFactory factory, string meterName)
    {
        var instruments = new List<(string, string)>();
        using var listener = new MeterListener
        {
            InstrumentPublished = (instrument, _) =>
            {
                if (ReferenceEquals(instrument.Meter.Scope, factory) && instrument.Meter.Name == meterName)
                {
                    instruments.Add((instrument.Name, $"{instrument.GetType().Name.Split('`')[0]} {instrument.Unit}"));
                }
            },
        };
        listener.Start(); // publishes the instruments that exist, synchronously
        Assert.NotEmpty(instruments);
        return instruments;
    }

    /// <summary>The log messages <paramref name="log"/> defines: event id, then level and message template.</summary>
    private static IEnumerable<(string Id, string Description)> LogMessagesOf(Type log) =>
        log.GetMethods(BindingFlags.Public | BindingFlags.Static)
            .Select(method => method.GetCustomAttribute<LoggerMessageAttribute>())
            .OfType<LoggerMessageAttribute>()
            .Select(message => (
                message.EventId.ToString(CultureInfo.InvariantCulture),
                $"{message.Level} {FormatSpecifier().Replace(message.Message, "}")}"));

    /// <summary>Every configuration key of <paramref name="section"/>, nested sections included, with its default as the docs write it.</summary>
    private static IEnumerable<(string Key, string? Default)> ConfigurationKeys(string section, object defaults)
    {
        foreach (var property in defaults.GetType().GetProperties(BindingFlags.Public | BindingFlags.Instance).Where(property => property.CanWrite))
        {
            var key = $"{section}:{property.Name}";
            var value = property.GetValue(defaults);
            if (property.PropertyType.Namespace == typeof(ChatOptions).Namespace)
            {
                foreach (var nested in ConfigurationKeys(key, value!))
                {
                    yield return nested;
                }

                continue;
            }

            yield return (key, value switch
            {
                null => null,
                bool flag => flag ? "true" : "false",
                TimeSpan duration => duration.ToString("c", CultureInfo.InvariantCulture),
                IFormattable number => number.ToString(null, CultureInfo.InvariantCulture),
                _ => value.ToString(),
            });
        }
    }

    /// <summary>The repository this file was compiled from (the tests run where they were built, as CI runs them).</summary>
    private static string RepositoryRoot([CallerFilePath] string thisFile = "") =>
        Path.GetFullPath(Path.Combine(Path.GetDirectoryName(thisFile)!, "..", ".."));

    // AbuseTests, or AbuseTests.SlowlorisHandshake...; not a project's name (ChatRoom.ContainerTests).
    [GeneratedRegex(@"(?<![\w.])(?<type>[A-Z][A-Za-z]*Tests)(\.(?<method>[A-Z][A-Za-z0-9_]*))?\b")]
    private static partial Regex TestReference();

    // Chat:Port, Chat:Flood:Burst, Chat:Tls:*, and the environment's Chat__Port.
    [GeneratedRegex(@"Chat(:|__)[A-Z][A-Za-z]*((:|__)([A-Z][A-Za-z]*|\*))*")]
    private static partial Regex KeyReference();

    [GeneratedRegex(@"^/(?<name>[a-z]+)\b")]
    private static partial Regex CommandWord();

    // "{PauseMs:F0}" in a template is "{PauseMs}" in the docs.
    [GeneratedRegex(@":[A-Za-z0-9]+\}")]
    private static partial Regex FormatSpecifier();
}
