using System.Buffers;
using ChatRoom.Protocol.Tests.Harness;

namespace ChatRoom.Protocol.Tests;

/// <summary>Lines come out whole and in order however the bytes arrive, and an over-long line costs only itself.</summary>
public sealed class LineFramerTests
{
    private const int Limit = 8;

    [Fact]
    public void LfEndsALine()
    {
        AssertReads("hello\n", [Frame.Line("hello")]);
    }

    [Fact]
    public void CrLfEndsALineAndTheCrIsNotPartOfIt()
    {
        AssertReads("hello\r\n", [Frame.Line("hello")]);
    }

    [Fact]
    public void SeveralLinesInOneBufferComeOutInOrderAndTheIncompleteOneIsKept()
    {
        AssertReads("one\ntwo\r\nthree\npart", [Frame.Line("one"), Frame.Line("two"), Frame.Line("three")], "part");
    }

    [Fact]
    public void EmptyLinesComeOutAsEmptyLines()
    {
        AssertReads("\n\r\n\n", [Frame.Line(""), Frame.Line(""), Frame.Line("")]);
    }

    [Fact]
    public void LineSplitAcrossManySegmentsIsReassembled()
    {
        // The CR and its LF in different segments, an empty segment, a line spanning five segments.
        var buffer = Sequences.Of("he", "l", "", "lo\r", "\nw", "o", "r", "l", "d\n");

        AssertReads(buffer, [Frame.Line("hello"), Frame.Line("world")]);
    }

    [Fact]
    public void LinesInOneByteSegmentsAreReassembled()
    {
        var buffer = Sequences.Chunked(Latin1.Bytes("ab\r\n\ncd\r\n12345678\nef"), 1);

        AssertReads(buffer, [Frame.Line("ab"), Frame.Line(""), Frame.Line("cd"), Frame.Line("12345678")], "ef");
    }

    [Fact]
    public void LineSplitAcrossSuccessiveReadsIsReassembled()
    {
        var driver = new FramerDriver(Limit);

        Assert.Empty(driver.Feed("hel").Frames);
        Assert.Equal("hel", driver.Unconsumed);
        Assert.Empty(driver.Feed("lo\r").Frames);
        Assert.Equal([Frame.Line("hello")], driver.Feed("\nwo").Frames);
        Assert.Equal("wo", driver.Unconsumed);
        Assert.Equal([Frame.Line("hello"), Frame.Line("world")], driver.Feed("rld\n").Frames);
        Assert.Equal("", driver.Unconsumed);
    }

    [Theory]
    [InlineData("a\rb\n", "a\rb")]
    [InlineData("\rab\n", "\rab")]
    [InlineData("ab\r\r\n", "ab\r")]
    [InlineData("\r\n", "")]
    public void LoneCrIsKeptInTheLineForTheTextCheckToRefuse(string input, string expectedLine)
    {
        AssertReads(input, [Frame.Line(expectedLine)]);
    }

    /// <summary>Lines of the limit and one byte over, with either ending, in one read and byte by byte.</summary>
    public static TheoryData<int, string, int> LinesAroundTheLimit => new()
    {
        { Limit, "\n", 1 }, { Limit, "\n", 1000 }, { Limit, "\r\n", 1 }, { Limit, "\r\n", 1000 },
        { Limit + 1, "\n", 1 }, { Limit + 1, "\n", 1000 }, { Limit + 1, "\r\n", 1 }, { Limit + 1, "\r\n", 1000 },
    };

    [Theory]
    [MemberData(nameof(LinesAroundTheLimit))]
    public void LimitCountsTheLineWithoutItsEndingAndTheNextLineIsIntact(int length, string ending, int chunkSize)
    {
        // With CRLF a line of the limit is limit + 1 bytes before its LF arrives: that is not yet too long.
        var line = new string('x', length);

        var driver = new FramerDriver(Limit).FeedInChunks(Latin1.Bytes(line + ending + "next\n"), chunkSize);

        Assert.Equal([length <= Limit ? Frame.Line(line) : Frame.TooLong, Frame.Line("next")], driver.Frames);
    }

    [Fact]
    public void OverLongLineIsRefusedAsSoonAsItPassesTheLimitPlusRoomForACr()
    {
        var driver = new FramerDriver(Limit);

        driver.FeedInChunks(Latin1.Bytes(new string('x', Limit + 1)), 1);
        Assert.Empty(driver.Frames);

        driver.Feed("x");
        Assert.Equal([Frame.TooLong], driver.Frames);
        Assert.Equal("", driver.Unconsumed);
    }

    [Fact]
    public void OverLongLineInOneBufferIsRefusedAndTheFollowingLineIsIntact()
    {
        AssertReads(new string('x', 3 * Limit) + "\r\nnext\npart", [Frame.TooLong, Frame.Line("next")], "part");
    }

    [Fact]
    public void EndlessLineIsReportedOnceWithoutEverBeingHeldAndTheLineAfterItsLfIsIntact()
    {
        const int limit = 4096;
        const int chunk = 4096;
        var driver = new FramerDriver(limit);

        driver.Feed(Latin1.Bytes(new string('x', chunk)));
        Assert.Empty(driver.Frames);
        driver.Feed(Latin1.Bytes(new string('x', chunk)));
        Assert.Equal([Frame.TooLong], driver.Frames);

        driver.FeedInChunks(Latin1.Bytes(new string('y', 1024 * 1024)), chunk);
        Assert.Equal([Frame.TooLong], driver.Frames);
        Assert.InRange(driver.LargestBuffer, 0, limit + chunk);

        driver.Feed("tail of it\r\nnext line\r\n");
        Assert.Equal([Frame.TooLong, Frame.Line("next line")], driver.Frames);
        Assert.Equal("", driver.Unconsumed);
    }

    [Fact]
    public void ChunkedInputGivesTheSameFramesAsTheReferenceModel()
    {
        Randomized.RunQuick(AssertMatchesReferenceModel);
    }

    [LongRunFact]
    public void ChunkedInputGivesTheSameFramesAsTheReferenceModelInALongerRun()
    {
        Randomized.RunLong(AssertMatchesReferenceModel);
    }

    private static void AssertReads(string input, IEnumerable<Frame> expected, string expectedRest = "") =>
        AssertReads(Sequences.Of(input), expected, expectedRest);

    /// <summary>Reads every frame of one buffer, as a connection does with one read.</summary>
    private static void AssertReads(ReadOnlySequence<byte> input, IEnumerable<Frame> expected, string expectedRest = "")
    {
        var (frames, rest) = FramerDriver.ReadAll(Limit, input);

        Assert.Equal(expected, frames);
        Assert.Equal(expectedRest, rest);
    }

    /// <summary>Random lines of every interesting length and ending, cut at random points, against <see cref="ReferenceFrames"/>.</summary>
    private static void AssertMatchesReferenceModel(Random random)
    {
        var limit = random.Next(1, 24);
        var input = RandomInput(random, limit);
        var (expectedFrames, expectedRest) = ReferenceFrames(input, limit);

        var driver = new FramerDriver(limit);
        var maxChunk = random.Next(1, 3 * limit);
        for (var at = 0; at < input.Length;)
        {
            var size = Math.Min(random.Next(0, maxChunk + 1), input.Length - at);
            driver.Feed(input.AsMemory(at, size));
            at += size;
        }

        var shown = Latin1.Text(input).ReplaceLineEndings("|");
        Assert.True(expectedFrames.SequenceEqual(driver.Frames), $"limit {limit}, input \"{shown}\": expected {string.Join(", ", expectedFrames)}; got {string.Join(", ", driver.Frames)}");
        Assert.Equal(expectedRest, driver.Unconsumed);
        Assert.InRange(driver.LargestBuffer, 0, limit + 1 + maxChunk);
    }

    /// <summary>
    /// What the framer must produce, computed the obvious way: split on LF, strip one trailing CR, refuse what is
    /// longer than the limit. An unfinished last line is refused once it is longer than limit + 1 (it may still end
    /// in CRLF), and is otherwise left for the next read.
    /// </summary>
    private static (List<Frame> Frames, string Remainder) ReferenceFrames(byte[] input, int limit)
    {
        var pieces = Latin1.Text(input).Split('\n');
        var frames = new List<Frame>();
        foreach (var line in pieces[..^1].Select(l => l.EndsWith('\r') ? l[..^1] : l))
        {
            frames.Add(line.Length > limit ? Frame.TooLong : Frame.Line(line));
        }

        var unfinished = pieces[^1];
        if (unfinished.Length > limit + 1)
        {
            frames.Add(Frame.TooLong);
            return (frames, "");
        }

        return (frames, unfinished);
    }

    private static byte[] RandomInput(Random random, int limit)
    {
        var bytes = new List<byte>();
        var parts = random.Next(0, 12);
        for (var i = 0; i < parts; i++)
        {
            switch (random.Next(8))
            {
                case 0: bytes.Add((byte)'\n'); break;
                case 1: bytes.Add((byte)'\r'); break;
                case 2: bytes.AddRange("\r\n"u8); break;
                case 3: bytes.AddRange(Enumerable.Repeat((byte)'s', random.Next(0, limit + 1))); break;
                case 4: bytes.AddRange(Enumerable.Repeat((byte)'e', limit + random.Next(-1, 3))); break;
                case 5: bytes.AddRange(Enumerable.Repeat((byte)'L', random.Next(limit + 2, 4 * limit))); break;
                case 6: bytes.AddRange(RandomBytes(random, random.Next(1, limit + 2))); break;
                default: bytes.AddRange("line\n"u8); break;
            }
        }

        return [.. bytes];
    }

    private static byte[] RandomBytes(Random random, int count)
    {
        var bytes = new byte[count];
        random.NextBytes(bytes);
        return bytes;
    }
}
