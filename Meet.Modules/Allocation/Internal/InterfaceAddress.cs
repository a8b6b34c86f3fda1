using System.Net;

namespace Meet.Modules.Allocation.Internal;

// One unicast address of one network interface, as far as picking the announced address cares.
internal readonly record struct InterfaceAddress(string Interface, IPAddress Address, bool IsUp, bool IsLoopback, bool HasGateway);
