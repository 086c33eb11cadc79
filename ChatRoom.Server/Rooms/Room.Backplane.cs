using System.Diagnostics;
using ChatRoom.Protocol.Events;

namespace ChatRoom.Server.Rooms;

/// <summary>
/// The room when a backplane shares it with other servers. The backplane decides who holds which nickname and the one
/// order; this server's part is its own members. A newcomer's nickname is claimed first; the newcomer is admitted (it
/// gets the welcome, the history, and from then on every event) when its own join comes back from the backplane, so
/// it sees exactly what follows its join in the one order. Members are known to the backplane by a token that stays
/// the same across renames, so that a private message finds its sender and its recipient whatever they are called.
/// </summary>
public sealed partial class Room : IBackplaneSink
{
    private static readonly ChatEvent Unavailable = new()
    {
        Kind = ChatEventKind.Error,
        Code = ErrorCodes.RoomUnavailable,
        Text = "the room is unavailable right now: your line was not delivered; try again shortly",
    };

    private static readonly ChatEvent NotInTheRoom = new()
    {
        Kind = ChatEventKind.Error,
        Code = ErrorCodes.NickLost,
        Text = "your nickname was given to someone else while this server was cut off from the room; reconnect to join again",
    };

    private readonly IRoomBackplane? _backplane;

    // This server's members, by token, from the moment their nickname is claimed; and each one's token.
    private readonly Dictionary<long, IRoomMember> _byToken = [];
    private readonly Dictionary<IRoomMember, long> _tokens = new(ReferenceEqualityComparer.Instance);

    // Newcomers whose join has not come back yet, with the welcome they get when it does.
    private readonly Dictionary<long, ChatEvent> _awaitingJoin = [];
    private long _lastToken;

    /// <summary>Delivers an event of the shared room to this server's members, in the order the backplane hands them over.</summary>
    public void Deliver(EncodedEvent roomEvent, long origin, long recipient)
    {
        lock (_gate)
        {
            if (_closed)
            {
                return; // everyone here has been told the server is stopping: nothing comes after that
            }

            var kind = roomEvent.Event.Kind;
            if (kind == ChatEventKind.Private)
            {
                DeliverPrivate(roomEvent, origin, recipient);
                return;
            }

            if (kind == ChatEventKind.Join && _awaitingJoin.Remove(origin, out var welcome) && _byToken.TryGetValue(origin, out var newcomer))
            {
                newcomer.Nickname ??= roomEvent.Event.From;
                newcomer.Send(new EncodedEvent(welcome with { Time = _clock.GetUtcNow() }));
                _history.SendTo(newcomer);
                _members.Add(newcomer);
                _metrics.UserJoined();
            }

            Deliver(roomEvent);
        }
    }

    public void RememberHistory(IReadOnlyList<EncodedEvent> history)
    {
        lock (_gate)
        {
            foreach (var line in history)
            {
                _history.Add(line);
            }
        }
    }

    public IReadOnlyList<BackplaneMember> Members()
    {
        lock (_gate)
        {
            return _members.ConvertAll(member => new BackplaneMember(_tokens[member], member.Nickname!));
        }
    }

    public void LostNickname(long token)
    {
        lock (_gate)
        {
            if (_byToken.TryGetValue(token, out var member))
            {
                _members.Remove(member);
                Forget(member, token);
                _metrics.UserLeft();
                member.Send(new EncodedEvent(NotInTheRoom with { Time = _clock.GetUtcNow() }));
            }
        }
    }

    private void DeliverPrivate(EncodedEvent whisper, long origin, long recipient)
    {
        if (_byToken.TryGetValue(recipient, out var target) && _members.Contains(target))
        {
            target.Send(new EncodedEvent(whisper.Event, 0, target.Nickname));
        }

        if (origin != recipient && _byToken.TryGetValue(origin, out var sender) && _members.Contains(sender))
        {
            sender.Send(new EncodedEvent(whisper.Event, 0, sender.Nickname));
        }
    }

    private async ValueTask<JoinResult> JoinThroughBackplaneAsync(IRoomMember member, string nickname, ChatEvent welcome)
    {
        long token;
        lock (_gate)
        {
            if (_closed)
            {
                return JoinResult.Closed;
            }

            token = ++_lastToken;
            _byToken[token] = member;
            _tokens[member] = token;
            _awaitingJoin[token] = welcome;
        }

        var joined = false;
        try
        {
            joined = await _backplane!.JoinAsync(new BackplaneMember(token, nickname), Draft(new ChatEvent { Kind = ChatEventKind.Join, From = nickname }))
                .ConfigureAwait(false);
        }
        finally
        {
            lock (_gate)
            {
                if (joined)
                {
                    // Set here too, since the join may come back later than this answer and the client may speak first.
                    member.Nickname ??= nickname;
                }
                else
                {
                    Forget(member, token);
                }
            }
        }

        return joined ? JoinResult.Joined : JoinResult.NicknameInUse;
    }

    private void LeaveThroughBackplane(IRoomMember member, string code, bool announce)
    {
        string? nickname;
        long token;
        lock (_gate)
        {
            if (!_tokens.TryGetValue(member, out token))
            {
                return;
            }

            var admitted = _members.Remove(member);
            Forget(member, token);
            nickname = member.Nickname;
            if (admitted)
            {
                _metrics.UserLeft();
            }

            // At shutdown the backplane announces all of this server's members at once (it retires the server).
            if (nickname is null || !announce || _closed)
            {
                return;
            }
        }

        _backplane!.Leave(new BackplaneMember(token, nickname), Draft(new ChatEvent { Kind = ChatEventKind.Leave, From = nickname, Code = code }));
    }

    private BroadcastReceipt? SayThroughBackplane(IRoomMember sender, ChatEventKind kind, string text, TraceContext trace)
    {
        lock (_gate)
        {
            if (_closed)
            {
                return null;
            }

            if (!_tokens.ContainsKey(sender))
            {
                sender.Send(new EncodedEvent(NotInTheRoom with { Time = _clock.GetUtcNow() }));
                return null;
            }
        }

        // Not awaited: the sender's lines go to the backplane in the order it said them, and its next line is read at
        // once. The backplane gives the line its id; every server, this one too, delivers it when it comes back.
        _ = AppendOrRefuseAsync(sender, Draft(new ChatEvent
        {
            Kind = kind,
            From = sender.Nickname,
            Text = text,
            Traceparent = trace.Traceparent,
            Tracestate = trace.Tracestate,
        }));
        return new BroadcastReceipt(0, 0);
    }

    /// <summary>Appends a line; a line that could not be appended is refused to its sender, never lost without a word.</summary>
    private async Task AppendOrRefuseAsync(IRoomMember sender, ChatEvent line)
    {
        try
        {
            await _backplane!.AppendAsync(line).ConfigureAwait(false);
        }
        catch (RoomUnavailableException)
        {
            sender.Send(new EncodedEvent(Unavailable with { Time = _clock.GetUtcNow() }));
        }
    }

    private async ValueTask<bool> RenameThroughBackplaneAsync(IRoomMember member, string newNickname)
    {
        string? oldNickname;
        long token;
        lock (_gate)
        {
            if (_closed || member.Nickname is not { } current || !_tokens.TryGetValue(member, out token))
            {
                return false;
            }

            oldNickname = current;
        }

        var rename = Draft(new ChatEvent { Kind = ChatEventKind.Rename, From = oldNickname, Nick = newNickname });
        if (!await _backplane!.RenameAsync(new BackplaneMember(token, oldNickname), rename).ConfigureAwait(false))
        {
            return false;
        }

        lock (_gate)
        {
            // Before the rename comes back: the member's next line must already carry the new name.
            member.Nickname = newNickname;
        }

        return true;
    }

    private async ValueTask<string?> WhisperThroughBackplaneAsync(IRoomMember sender, string target, string text, TraceContext trace)
    {
        long token;
        lock (_gate)
        {
            if (_closed || sender.Nickname is null || !_tokens.TryGetValue(sender, out token))
            {
                return null;
            }
        }

        var whisper = Draft(new ChatEvent
        {
            Kind = ChatEventKind.Private,
            From = sender.Nickname,
            Text = text,
            Traceparent = trace.Traceparent,
            Tracestate = trace.Tracestate,
        });
        return await _backplane!.WhisperAsync(new BackplaneMember(token, sender.Nickname), target, whisper).ConfigureAwait(false);
    }

    /// <summary>Forgets a member of this server. Call under the gate.</summary>
    private void Forget(IRoomMember member, long token)
    {
        _tokens.Remove(member);
        _byToken.Remove(token);
        _awaitingJoin.Remove(token);
    }

    /// <summary>An event this server hands the backplane, which gives it its id.</summary>
    private ChatEvent Draft(ChatEvent draft)
    {
        Debug.Assert(draft.Id is null, "the backplane assigns ids");
        return draft with { Time = _clock.GetUtcNow(), Room = Name };
    }
}
