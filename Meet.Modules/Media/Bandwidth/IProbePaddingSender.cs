using Meet.Modules.Media.Transport;

namespace Meet.Modules.Media.Bandwidth;

// Something that can send padding towards one subscriber on a stream it negotiated (a video consumer's
// RTX stream): the bytes a probe cluster needs on top of the media.
internal interface IProbePaddingSender
{
    // Sends padding-only packets adding up to about `bytes`; returns the bytes sent (0 when it cannot).
    int SendPadding(int bytes, MediaSender sender);
}
