namespace Meet.Modules.Media;

// How a meeting delivers audio (issue 17). Forward: each listener receives the top-3 speakers' own
// streams. Mix: the SFU decodes the top 3 and sends each listener one mixed Opus stream (without
// their own voice), a third of the downstream audio bandwidth.
public enum AudioMode
{
    Forward,
    Mix,
}
