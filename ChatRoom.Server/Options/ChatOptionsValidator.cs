using Microsoft.Extensions.Options;

namespace ChatRoom.Server.Options;

/// <summary>Validates <see cref="ChatOptions"/> at start-up; generated from its attributes (no reflection).</summary>
[OptionsValidator]
public sealed partial class ChatOptionsValidator : IValidateOptions<ChatOptions>;
