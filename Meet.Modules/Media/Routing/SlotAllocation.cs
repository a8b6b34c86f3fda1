namespace Meet.Modules.Media.Routing;

// What one bounded-slot allocation did: slots added (the subscriber's SDP must be renegotiated) and
// slots that changed publisher (the client must be told who each slot shows).
internal readonly record struct SlotAllocation(bool SlotsAdded, int Remapped);
