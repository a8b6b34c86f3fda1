using Microsoft.Win32.SafeHandles;

namespace Meet.Modules.Media.Mixing;

internal sealed class OpusDecoderHandle() : SafeHandleZeroOrMinusOneIsInvalid(ownsHandle: true)
{
    protected override bool ReleaseHandle()
    {
        Native.DecoderDestroy(handle);
        return true;
    }
}
