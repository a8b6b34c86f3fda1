using Microsoft.Win32.SafeHandles;

namespace Meet.Modules.Media.Mixing;

internal sealed class OpusEncoderHandle() : SafeHandleZeroOrMinusOneIsInvalid(ownsHandle: true)
{
    protected override bool ReleaseHandle()
    {
        Native.EncoderDestroy(handle);
        return true;
    }
}
