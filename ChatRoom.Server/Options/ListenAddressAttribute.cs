using System.ComponentModel.DataAnnotations;
using System.Net;

namespace ChatRoom.Server.Options;

/// <summary>Accepts an IP address, <c>localhost</c>, or <c>*</c> (any IPv4 address).</summary>
[AttributeUsage(AttributeTargets.Property)]
public sealed class ListenAddressAttribute : ValidationAttribute
{
    public ListenAddressAttribute()
        : base("The {0} field must be an IP address, 'localhost' or '*'.")
    {
    }

    public override bool IsValid(object? value) => value is string text && Parse(text) is not null;

    public static IPAddress? Parse(string text) => text.Trim() switch
    {
        "*" => IPAddress.Any,
        var name when string.Equals(name, "localhost", StringComparison.OrdinalIgnoreCase) => IPAddress.Loopback,
        var address => IPAddress.TryParse(address, out var ip) ? ip : null,
    };
}
