namespace Meet.Modules.Meetings;

// Which meetings the host locked (issue 13): a locked meeting admits no new participant through
// POST /v1/meetings/{id}/join; the host and anyone rejoining with their own token still get in.
public interface IMeetingLocks
{
    void SetLocked(string meetingId, bool locked);

    bool IsLocked(string meetingId);
}
