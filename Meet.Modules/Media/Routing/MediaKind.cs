namespace Meet.Modules.Media.Routing;

internal enum MediaKind
{
    Audio,
    Video,
}
