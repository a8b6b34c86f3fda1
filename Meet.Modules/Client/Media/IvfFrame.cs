namespace Meet.Modules.Client.Media;

// One compressed frame of an IVF file: its presentation timestamp in the file's timebase, and where
// its bytes are in the file.
public readonly record struct IvfFrame(long Timestamp, int Offset, int Length);
