using System.Buffers;
using System.Text;
using System.Text.Json;
using ChatRoom.Protocol.Events;

namespace ChatRoom.Protocol.Tests;

/// <summary>The structured protocol: one JSON object per line, with the names and values docs/protocol.md promises.</summary>
public sealed class ChatJsonContextTests
{
    private static readonly DateTimeOffset Time = new(2026, 11, 24, 11, 0, 0, TimeSpan.Zero);

    private static readonly ChatEvent Everything = new()
    {
        Kind = ChatEventKind.Private,
        Id = 6,
        Time = Time.AddTicks(1234567),
        Room = "lobby",
        From = "carol",
        To = "bob",
        Nick = "caroline",
        Text = "hi all",
        Code = "who",
        Users = ["alice", "carol"],
        Traceparent = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01",
        Tracestate = "congo=t61rcWkgMzE",
    };

    [Fact]
    public void EveryFieldHasItsCamelCaseName()
    {
        Assert.Equal(
            ["kind", "id", "time", "room", "from", "to", "nick", "text", "code", "users", "part", "parts", "traceparent", "tracestate", "history"],
            PropertyNames(Serialize(Everything with { Part = 1, Parts = 2, History = true })));
    }

    [Fact]
    public void HistoryKeepsTheOriginalIdAndTimeAndCarriesTheFlag()
    {
        var message = new ChatEvent { Kind = ChatEventKind.Message, Id = 7, Time = Time, Room = "lobby", From = "carol", Text = "hi" };

        Assert.Equal(
            """{"kind":"message","id":7,"time":"2026-11-24T11:00:00+00:00","room":"lobby","from":"carol","text":"hi","history":true}""",
            Serialize(message with { History = true }));
    }

    [Fact]
    public void JoinIsWrittenExactlyAsInTheProtocolDocument()
    {
        var join = new ChatEvent { Kind = ChatEventKind.Join, Id = 5, Time = Time, Room = "lobby", From = "carol" };

        Assert.Equal("""{"kind":"join","id":5,"time":"2026-11-24T11:00:00+00:00","room":"lobby","from":"carol"}""", Serialize(join));
    }

    [Fact]
    public void WhoReplyListsEachNicknameOnceInTheUsersArray()
    {
        var who = WhoReply.Create(["alice", "carol"]).Single() with { Time = Time };

        Assert.Equal(
            """{"kind":"system","time":"2026-11-24T11:00:00+00:00","text":"Users here (2)","code":"who","users":["alice","carol"]}""",
            Serialize(who));
    }

    [Fact]
    public void AbsentFieldsAreOmitted()
    {
        Assert.Equal(["kind", "time"], PropertyNames(Serialize(new ChatEvent { Kind = ChatEventKind.Nick, Time = Time })));
    }

    [Theory]
    [InlineData(ChatEventKind.Nick, "nick")]
    [InlineData(ChatEventKind.Message, "message")]
    [InlineData(ChatEventKind.Action, "action")]
    [InlineData(ChatEventKind.Private, "private")]
    [InlineData(ChatEventKind.Join, "join")]
    [InlineData(ChatEventKind.Leave, "leave")]
    [InlineData(ChatEventKind.Rename, "rename")]
    [InlineData(ChatEventKind.System, "system")]
    [InlineData(ChatEventKind.Error, "error")]
    public void KindIsWrittenAndReadAsItsLowerCaseName(ChatEventKind kind, string name)
    {
        var json = Serialize(new ChatEvent { Kind = kind, Time = Time });

        using var document = JsonDocument.Parse(json);
        Assert.Equal(name, document.RootElement.GetProperty("kind").GetString());
        Assert.Equal(kind, Deserialize($$"""{"kind":"{{name}}","time":"2026-11-24T11:00:00+00:00"}""").Kind);
    }

    [Fact]
    public void EventIsOneLineEvenWhenItsTextHasLineBreaks()
    {
        var text = "one\ntwo\r\nthree\u2028four\u2029five\u0085six";

        var json = Serialize(Everything with { Text = text });

        Assert.DoesNotContain('\n', json);
        Assert.DoesNotContain('\r', json);
        Assert.DoesNotContain('\u2028', json);
        Assert.DoesNotContain('\u2029', json);
        Assert.DoesNotContain('\u0085', json);
        Assert.Equal(text, Deserialize(json).Text);
    }

    [Fact]
    public void EventSurvivesARoundTrip()
    {
        var back = Deserialize(Serialize(Everything with { Text = "ünïcödé 😀 \"quoted\" <b>&amp;</b>" }));

        Assert.Equal(Everything with { Text = "ünïcödé 😀 \"quoted\" <b>&amp;</b>", Users = null }, back with { Users = null });
        Assert.Equal(Everything.Users, back.Users);
    }

    [Fact]
    public void EnvelopeIsReadFromTheProtocolDocumentExample()
    {
        var envelope = JsonSerializer.Deserialize(
            """{"text":"hi","traceparent":"00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01"}""",
            ChatJsonContext.Default.ClientEnvelope);

        Assert.Equal(
            new ClientEnvelope { Text = "hi", Traceparent = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01" },
            envelope);
    }

    [Fact]
    public void EnvelopeReadsTracestateAndIgnoresUnknownFields()
    {
        var envelope = JsonSerializer.Deserialize(
            """{"text":"/who","tracestate":"congo=t61rcWkgMzE","future":[1,2]}""",
            ChatJsonContext.Default.ClientEnvelope);

        Assert.Equal(new ClientEnvelope { Text = "/who", Tracestate = "congo=t61rcWkgMzE" }, envelope);
    }

    [Theory]
    [InlineData("{")]
    [InlineData("{text:\"hi\"}")]
    [InlineData("{\"text\":\"hi\"} trailing")]
    [InlineData("{\"text\":\"\\ud800\"}")]
    public void InvalidEnvelopeIsAJsonException(string json)
    {
        // The server answers these with ERR bad_json.
        Assert.Throws<JsonException>(() => JsonSerializer.Deserialize(json, ChatJsonContext.Default.ClientEnvelope));
    }

    /// <summary>As the server writes a structured line (without its LF).</summary>
    private static string Serialize(ChatEvent e)
    {
        var buffer = new ArrayBufferWriter<byte>();
        using (var writer = new Utf8JsonWriter(buffer, ChatJsonEncoder.WriterOptions))
        {
            JsonSerializer.Serialize(writer, e, ChatJsonContext.Default.ChatEvent);
        }

        return Encoding.UTF8.GetString(buffer.WrittenSpan);
    }

    private static ChatEvent Deserialize(string json) =>
        JsonSerializer.Deserialize(json, ChatJsonContext.Default.ChatEvent) ?? throw new InvalidOperationException("null event");

    private static string[] PropertyNames(string json)
    {
        using var document = JsonDocument.Parse(json);
        return [.. document.RootElement.EnumerateObject().Select(p => p.Name)];
    }
}
