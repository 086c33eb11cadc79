using ChatRoom.Protocol.Events;

namespace ChatRoom.Protocol.Tests;

/// <summary>Which trace context fields the server relays: exactly those of the W3C Trace Context grammar.</summary>
public sealed class W3CTraceContextTests
{
    [Theory]
    [InlineData("00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01")]
    [InlineData("00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-00")]
    [InlineData("01-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-ff")] // a later version, same 55 characters
    [InlineData("00-00000000000000000000000000000001-0000000000000001-01")]
    public void ValidTraceparentIsRelayed(string traceparent)
    {
        Assert.True(W3CTraceContext.IsValidTraceparent(traceparent));
    }

    [Theory]
    [InlineData("")]
    [InlineData("\u001b]0;owned\u0007\u001b[2J")]
    [InlineData("00-4BF92F3577B34DA6A3CE929D0E0E4736-00F067AA0BA902B7-01")] // upper-case hex
    [InlineData("00-00000000000000000000000000000000-00f067aa0ba902b7-01")] // all-zero trace id
    [InlineData("00-4bf92f3577b34da6a3ce929d0e0e4736-0000000000000000-01")] // all-zero parent id
    [InlineData("ff-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01")] // forbidden version
    [InlineData("00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01-")] // 56 characters
    [InlineData("00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-1")]
    [InlineData("00_4bf92f3577b34da6a3ce929d0e0e4736_00f067aa0ba902b7_01")]
    [InlineData("00-4bf92f3577b34da6a3ce929d0e0e473g-00f067aa0ba902b7-01")]
    [InlineData("00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-0\u0661")] // Arabic-Indic digit
    [InlineData(null)]
    public void InvalidTraceparentIsDropped(string? traceparent)
    {
        Assert.False(W3CTraceContext.IsValidTraceparent(traceparent));
    }

    [Fact]
    public void TraceparentOfThousandsOfCharactersIsDropped()
    {
        Assert.False(W3CTraceContext.IsValidTraceparent("00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01" + new string('0', 3900)));
    }

    [Theory]
    [InlineData("vendor=1")]
    [InlineData("rojo=00f067aa0ba902b7,congo=t61rcWkgMzE")]
    [InlineData("rojo=00f067aa0ba902b7 ,\tcongo=t61rcWkgMzE")]
    [InlineData("tenant1@vendor=value with spaces")]
    [InlineData("a_b-c*d/e=~!\"#$%&'()*+-./:;<>?@[]^_`{|}")]
    [InlineData("a=1,,b=2")] // empty members are allowed
    [InlineData("")]
    public void ValidTracestateIsRelayed(string tracestate)
    {
        Assert.True(W3CTraceContext.IsValidTracestate(tracestate));
    }

    [Theory]
    [InlineData("\u202Eevil")]
    [InlineData("Vendor=1")] // keys are lower case
    [InlineData("1vendor=1")] // a simple key starts with a letter
    [InlineData("vendor")]
    [InlineData("vendor=")]
    [InlineData("vendor=del\u007F")]
    [InlineData("vendor=a=b")]
    [InlineData("vendor=caf\u00E9")]
    [InlineData("vendor=\u001b[2J")]
    [InlineData("a=1,a=2")] // a key appears once
    [InlineData("t@Sys=1")]
    [InlineData("t@system-id-too-long=1")]
    [InlineData(null)]
    public void InvalidTracestateIsDropped(string? tracestate)
    {
        Assert.False(W3CTraceContext.IsValidTracestate(tracestate));
    }

    [Fact]
    public void TracestateIsAtMost512CharactersAnd32Members()
    {
        var longest = "k=" + new string('v', 256) + ",l=" + new string('v', 251);
        Assert.Equal(512, longest.Length);
        Assert.True(W3CTraceContext.IsValidTracestate(longest));
        Assert.False(W3CTraceContext.IsValidTracestate(longest + "v"));

        var members = Enumerable.Range(0, 33).Select(i => $"k{i}=v").ToArray();
        Assert.True(W3CTraceContext.IsValidTracestate(string.Join(",", members[..32])));
        Assert.False(W3CTraceContext.IsValidTracestate(string.Join(",", members)));
    }
}
