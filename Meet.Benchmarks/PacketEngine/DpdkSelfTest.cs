using System.Buffers.Binary;
using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;
using System.Security.Cryptography;
using System.Text.Json;
using Meet.PacketEngine;
using Meet.PacketEngine.Dpdk;
using Meet.PacketEngine.Dpdk.Frames;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace Meet.Benchmarks.PacketEngine;

/// <summary>
/// DPDK scenarios run in a process of their own (the EAL can be initialised once per process), by
/// Meet.Tests' DPDK tests: <c>dotnet Meet.Benchmarks.dll dpdk-selftest &lt;scenario&gt; [options]</c>.
/// A scenario only observes — it prints one line <c>RESULT {json}</c> of what happened — and the
/// NUnit tests assert on it. A start-up failure prints <c>ERROR &lt;message&gt;</c> and exits 2.
/// </summary>
internal static class DpdkSelfTest
{
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(10);

    public static int Run(string[] args)
    {
        if (args.Length == 0)
        {
            Console.Error.WriteLine("usage: dpdk-selftest ring|afpacket|udp-peer|host [--prefix P] [--iface I] [--eal a|b|c] [--native-library PATH]");
            return 64;
        }
        var options = ParseOptions(args[1..]);
        try
        {
            var result = args[0] switch
            {
                "ring" => RingScenario(options),
                "afpacket" => AfPacketScenario(options),
                "udp-peer" => UdpPeerScenario(options),
                "host" => HostScenario(options),
                _ => throw new ArgumentException($"unknown scenario '{args[0]}'"),
            };
            Console.WriteLine("RESULT " + JsonSerializer.Serialize(result));
            return 0;
        }
        catch (Exception e) when (e is PacketEngineException or Microsoft.Extensions.Options.OptionsValidationException)
        {
            Console.WriteLine($"ERROR {e.GetType().Name}: {e.Message}");
            return 2;
        }
    }

    private static Dictionary<string, string> ParseOptions(string[] args)
    {
        var options = new Dictionary<string, string>();
        for (var i = 0; i + 1 < args.Length; i += 2)
            options[args[i].TrimStart('-')] = args[i + 1];
        return options;
    }

    public static List<string> EalArgs(string prefix, params string[] vdevs)
    {
        List<string> args = ["--no-huge", "-m", "256", "--no-pci", "-l", "0", "--file-prefix", prefix, "--no-telemetry", "--log-level=warning"];
        args.AddRange(vdevs.Select(v => "--vdev=" + v));
        return args;
    }

    private static DpdkPacketEngineOptions Options(Dictionary<string, string> options, string vdev, string localIp) => new()
    {
        EalArgs = options.TryGetValue("eal", out var eal)
            ? [.. eal.Split('|', StringSplitOptions.RemoveEmptyEntries)]
            : EalArgs(options.GetValueOrDefault("prefix", $"meet-selftest-{Environment.ProcessId}"), vdev),
        LocalIp = localIp,
        NativeLibraryPath = options.GetValueOrDefault("native-library"),
    };

    // ---- net_ring: the contract checks, on a port that loops back everything sent ----

    private static Dictionary<string, object?> RingScenario(Dictionary<string, string> options)
    {
        var result = new Dictionary<string, object?>();
        var engine = DpdkPacketEngine.Start(Options(options, "net_ring0", "10.99.1.1"));
        try
        {
            ContractRoundTrip(engine, result);
            ContractEchoBetweenChannels(engine, result);
            ContractConcurrentSenders(engine, result);
            ContractBindErrors(engine, result);
            MalformedFrames(engine, result);
            UnknownPeer(engine, result);
            result["affinityCpus"] = Environment.ProcessorCount;
            result["affinityAfterInit"] = GetAffinityCount();
        }
        finally
        {
            engine.DisposeAsync().AsTask().GetAwaiter().GetResult();
        }
        return result;
    }

    private static void ContractRoundTrip(DpdkPacketEngine engine, Dictionary<string, object?> result)
    {
        var receiver = new CollectingReceiver();
        var channel = engine.Bind(PacketAddress.FromIPv4(0, 0), PacketProtocol.Udp, receiver);
        var batch = new PacketBatch(8);
        var sizes = new[] { 1, 100, 1200, 1472 };
        foreach (var size in sizes)
            batch.TryAdd(Pattern(size, size), channel.LocalAddress);
        var sent = channel.Send(batch);
        receiver.WaitFor(sizes.Length);
        result["roundTrip.localPort"] = (int)channel.LocalAddress.Port;
        result["roundTrip.sent"] = sent;
        result["roundTrip.sentLengths"] = sizes;
        result["roundTrip.receivedLengths"] = receiver.Payloads.Select(p => p.Length).ToArray();
        result["roundTrip.sentDigest"] = Digest(sizes.Select(s => Pattern(s, s)));
        result["roundTrip.receivedDigest"] = Digest(receiver.Payloads);
        result["roundTrip.receivedFrom"] = receiver.Sources.Distinct().Select(s => s.ToString()).ToArray();
        result["roundTrip.localAddress"] = channel.LocalAddress.ToString();
        result["roundTrip.packetsOut"] = channel.Counters.PacketsOut;
        result["roundTrip.bytesOut"] = channel.Counters.BytesOut;
        result["roundTrip.packetsIn"] = channel.Counters.PacketsIn;
        result["roundTrip.bytesIn"] = channel.Counters.BytesIn;
        result["roundTrip.batchesReceived"] = receiver.Batches;
        channel.DisposeAsync().AsTask().GetAwaiter().GetResult();
    }

    private static void ContractEchoBetweenChannels(DpdkPacketEngine engine, Dictionary<string, object?> result)
    {
        var clientReceiver = new CollectingReceiver();
        var server = engine.Bind(PacketAddress.FromIPv4(engine.LocalIp, 7000), PacketProtocol.Udp, new EchoReceiver());
        var client = engine.Bind(PacketAddress.FromIPv4(engine.LocalIp, 7001), PacketProtocol.Udp, clientReceiver);
        var batch = new PacketBatch(16);
        for (var i = 0; i < 16; i++)
            batch.TryAdd(Pattern(200, i), server.LocalAddress);
        client.Send(batch);
        clientReceiver.WaitFor(16);
        result["echo.received"] = clientReceiver.Payloads.Count;
        result["echo.digestMatches"] = Digest(clientReceiver.Payloads) == Digest(Enumerable.Range(0, 16).Select(i => Pattern(200, i)));
        result["echo.from"] = clientReceiver.Sources.Distinct().Select(s => s.ToString()).ToArray();
        result["echo.serverAddress"] = server.LocalAddress.ToString();
        result["echo.serverPacketsIn"] = server.Counters.PacketsIn;
        result["echo.serverPacketsOut"] = server.Counters.PacketsOut;
        server.DisposeAsync().AsTask().GetAwaiter().GetResult();
        client.DisposeAsync().AsTask().GetAwaiter().GetResult();
    }

    private static void ContractConcurrentSenders(DpdkPacketEngine engine, Dictionary<string, object?> result)
    {
        const int threads = 4;
        const int batches = 50;
        const int perBatch = 4;
        var receiver = new CollectingReceiver();
        var channel = engine.Bind(PacketAddress.FromIPv4(engine.LocalIp, 7100), PacketProtocol.Udp, receiver);
        var sent = 0;
        var workers = Enumerable.Range(0, threads).Select(t => new Thread(() =>
        {
            var batch = new PacketBatch(perBatch);
            for (var b = 0; b < batches; b++)
            {
                batch.Clear();
                for (var i = 0; i < perBatch; i++)
                {
                    var payload = Pattern(64, i);
                    BinaryPrimitives.WriteInt32BigEndian(payload, t * 100_000 + b * perBatch + i);
                    batch.TryAdd(payload, channel.LocalAddress);
                }
                Interlocked.Add(ref sent, channel.Send(batch));
                // Stay below the ring's depth while the poll thread drains it.
                Thread.Sleep(1);
            }
        })).ToList();
        workers.ForEach(w => w.Start());
        workers.ForEach(w => w.Join());
        receiver.WaitFor(sent);
        result["concurrent.attempted"] = threads * batches * perBatch;
        result["concurrent.sent"] = sent;
        result["concurrent.received"] = receiver.Payloads.Count;
        result["concurrent.distinct"] = receiver.Payloads.Select(p => Convert.ToHexString(p)).Distinct().Count();
        channel.DisposeAsync().AsTask().GetAwaiter().GetResult();
    }

    private static void ContractBindErrors(DpdkPacketEngine engine, Dictionary<string, object?> result)
    {
        var receiver = new CollectingReceiver();
        var channel = engine.Bind(PacketAddress.FromIPv4(engine.LocalIp, 7200), PacketProtocol.Udp, receiver);
        result["bind.duplicate"] = CaptureError(() => engine.Bind(PacketAddress.FromIPv4(0, 7200), PacketProtocol.Udp, receiver));
        result["bind.iceTcp"] = CaptureError(() => engine.Bind(PacketAddress.FromIPv4(0, 7201), PacketProtocol.IceTcp, receiver));
        result["bind.otherAddress"] = CaptureError(() => engine.Bind(PacketAddress.FromIPv4(0x0A630909, 7202), PacketProtocol.Udp, receiver));
        channel.DisposeAsync().AsTask().GetAwaiter().GetResult();
        // After dispose the port is free again and frames to it are not for anyone.
        var again = engine.Bind(PacketAddress.FromIPv4(engine.LocalIp, 7200), PacketProtocol.Udp, receiver);
        result["bind.rebindAfterDispose"] = again.LocalAddress.Port == 7200;
        again.DisposeAsync().AsTask().GetAwaiter().GetResult();
    }

    private static void MalformedFrames(DpdkPacketEngine engine, Dictionary<string, object?> result)
    {
        var receiver = new CollectingReceiver();
        var channel = engine.Bind(PacketAddress.FromIPv4(engine.LocalIp, 7300), PacketProtocol.Udp, receiver);
        var before = Snapshot(engine.Counters);
        var arpRepliesBefore = engine.ArpRepliesSent;
        var valid = BuildFrame(engine, 7300, Pattern(300, 1));
        var frames = new Dictionary<string, byte[]>
        {
            ["truncatedEthernet"] = valid[..10],
            ["truncatedIp"] = valid[..(EthernetHeader.Size + 12)],
            ["truncatedUdp"] = Truncate(valid, EthernetHeader.Size + Ipv4Header.MinimumSize + 4),
            ["badIpChecksum"] = Mutate(valid, f => f[EthernetHeader.Size + 10] ^= 0x55),
            ["fragment"] = WithIpField(valid, 6, 0x2000), // MF set
            ["laterFragment"] = WithIpField(valid, 6, 0x0010),
            ["notUdp"] = WithIpByte(valid, 9, 1), // ICMP
            ["notIpv4"] = Mutate(valid, f => BinaryPrimitives.WriteUInt16BigEndian(f.AsSpan(12), 0x86DD)),
            ["badUdpChecksum"] = Mutate(valid, f => f[^1] ^= 0xFF),
            ["otherIp"] = BuildFrame(engine, 7300, Pattern(10, 2), destinationIp: 0x0A630909),
            ["otherMac"] = Mutate(valid, f => f[0] = 0x0A),
            ["unboundPort"] = BuildFrame(engine, 7399, Pattern(10, 3)),
            ["arpForOther"] = BuildArp(engine, ArpPacket.OperationRequest, targetIp: 0x0A630909),
            ["arpForUs"] = BuildArp(engine, ArpPacket.OperationRequest, targetIp: engine.LocalIp),
        };
        foreach (var frame in frames.Values)
            engine.SendRawFrame(frame);
        engine.SendRawFrame(valid);
        receiver.WaitFor(1);
        // The ARP reply we sent to the request above loops back too: wait for it to be counted.
        WaitUntil(() => engine.Counters.PacketsIn - before["packetsIn"] >= frames.Count + 2);
        var after = Snapshot(engine.Counters);
        result["malformed.injected"] = frames.Keys.ToArray();
        result["malformed.drops"] = after.Where(kv => kv.Key != "packetsIn").ToDictionary(kv => kv.Key, kv => kv.Value - before[kv.Key]);
        result["malformed.arpReplies"] = engine.ArpRepliesSent - arpRepliesBefore;
        result["malformed.validDelivered"] = receiver.Payloads.Count;
        result["malformed.validDigestMatches"] = receiver.Payloads.Count == 1 && receiver.Payloads[0].AsSpan().SequenceEqual(Pattern(300, 1));
        channel.DisposeAsync().AsTask().GetAwaiter().GetResult();
    }

    private static void UnknownPeer(DpdkPacketEngine engine, Dictionary<string, object?> result)
    {
        var channel = engine.Bind(PacketAddress.FromIPv4(engine.LocalIp, 7400), PacketProtocol.Udp, new CollectingReceiver());
        var batch = new PacketBatch(2);
        batch.TryAdd(Pattern(50, 1), PacketAddress.FromIPv4(0x0A630909, 9));
        batch.TryAdd(Pattern(50, 2), PacketAddress.FromIPv4(0x0A630909, 9));
        var requestsBefore = engine.ArpRequestsSent;
        result["unknownPeer.sent"] = channel.Send(batch);
        result["unknownPeer.drops"] = channel.Counters.Dropped(DropReason.UnknownPeer);
        result["unknownPeer.arpRequests"] = engine.ArpRequestsSent - requestsBefore;
        channel.DisposeAsync().AsTask().GetAwaiter().GetResult();
    }

    // ---- net_af_packet: an echo server on 10.99.0.1 for a kernel UDP socket in another namespace ----

    private static Dictionary<string, object?> AfPacketScenario(Dictionary<string, string> options)
    {
        var engineOptions = Options(options, $"net_af_packet0,iface={options["iface"]}", options.GetValueOrDefault("ip", "10.99.0.1"));
        var engine = DpdkPacketEngine.Start(engineOptions);
        var port = ushort.Parse(options.GetValueOrDefault("port", "5004"), System.Globalization.CultureInfo.InvariantCulture);
        var channel = engine.Bind(PacketAddress.FromIPv4(0, port), PacketProtocol.Udp, new EchoReceiver());
        Console.WriteLine($"READY {port}");
        Console.Out.Flush();
        // The test drives the peer and then closes our stdin.
        var stop = Task.Run(Console.In.ReadToEnd);
        stop.Wait(TimeSpan.FromSeconds(60));
        var result = new Dictionary<string, object?>
        {
            ["channel.packetsIn"] = channel.Counters.PacketsIn,
            ["channel.packetsOut"] = channel.Counters.PacketsOut,
            ["channel.drops"] = channel.Counters.TotalDropped,
            ["engine.drops"] = Snapshot(engine.Counters),
            ["engine.arpReplies"] = engine.ArpRepliesSent,
            ["engine.neighbours"] = engine.Neighbours.Count,
        };
        channel.DisposeAsync().AsTask().GetAwaiter().GetResult();
        engine.DisposeAsync().AsTask().GetAwaiter().GetResult();
        return result;
    }

    /// <summary>An ordinary kernel UDP socket (run inside the peer namespace): echoes, then impairments, then echoes again.</summary>
    private static Dictionary<string, object?> UdpPeerScenario(Dictionary<string, string> options)
    {
        var server = new IPEndPoint(IPAddress.Parse(options["server"]), int.Parse(options["port"], System.Globalization.CultureInfo.InvariantCulture));
        var count = int.Parse(options.GetValueOrDefault("count", "20"), System.Globalization.CultureInfo.InvariantCulture);
        using var socket = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
        socket.Bind(new IPEndPoint(IPAddress.Any, 0));
        socket.ReceiveTimeout = 1000;
        var result = new Dictionary<string, object?> { ["peer.local"] = socket.LocalEndPoint!.ToString() };
        result["echo.before"] = EchoRound(socket, server, count, 0);
        // A datagram above the MTU leaves the kernel as IPv4 fragments.
        socket.SendTo(new byte[3000], server);
        // A datagram to an address nobody owns makes the kernel broadcast ARP requests for it.
        socket.SendTo(new byte[10], new IPEndPoint(IPAddress.Parse(options.GetValueOrDefault("other", "10.99.0.3")), server.Port));
        // ICMP echo: IPv4 but not UDP.
        using (var ping = new System.Net.NetworkInformation.Ping())
            result["ping.status"] = ping.Send(server.Address, 300).Status.ToString();
        result["echo.after"] = EchoRound(socket, server, count, 1000);
        return result;
    }

    private static int EchoRound(Socket socket, IPEndPoint server, int count, int seed)
    {
        var echoed = 0;
        var reply = new byte[2048];
        for (var i = 0; i < count; i++)
        {
            var payload = Pattern(1200, seed + i);
            // The first datagram may wait for ARP resolution on the peer: allow a few tries.
            for (var attempt = 0; attempt < 3; attempt++)
            {
                socket.SendTo(payload, server);
                try
                {
                    EndPoint from = new IPEndPoint(IPAddress.Any, 0);
                    var length = socket.ReceiveFrom(reply, ref from);
                    if (reply.AsSpan(0, length).SequenceEqual(payload) && from.Equals(server))
                        echoed++;
                    break;
                }
                catch (SocketException e) when (e.SocketErrorCode == SocketError.TimedOut)
                {
                }
            }
        }
        return echoed;
    }

    // ---- host start-up: PacketEngine:Backend=Dpdk through AddPacketEngine and a generic host ----

    private static Dictionary<string, object?> HostScenario(Dictionary<string, string> options)
    {
        var engineOptions = Options(options, "net_ring0", "10.99.2.1");
        var settings = new Dictionary<string, string?>
        {
            ["PacketEngine:Backend"] = "Dpdk",
            ["PacketEngine:Dpdk:LocalIp"] = engineOptions.LocalIp,
            ["PacketEngine:Dpdk:NativeLibraryPath"] = engineOptions.NativeLibraryPath,
        };
        for (var i = 0; i < engineOptions.EalArgs.Count; i++)
            settings[$"PacketEngine:Dpdk:EalArgs:{i}"] = engineOptions.EalArgs[i];
        var builder = Host.CreateApplicationBuilder();
        builder.Configuration.AddInMemoryCollection(settings);
        builder.Services.AddPacketEngine(builder.Configuration);
        using var host = builder.Build();
        host.StartAsync().GetAwaiter().GetResult();
        var engine = host.Services.GetRequiredService<IPacketEngine>();
        var receiver = new CollectingReceiver();
        var channel = engine.Bind(PacketAddress.FromIPv4(0, 0), PacketProtocol.Udp, receiver);
        var batch = new PacketBatch(1);
        batch.TryAdd(Pattern(100, 7), channel.LocalAddress);
        channel.Send(batch);
        receiver.WaitFor(1);
        var result = new Dictionary<string, object?>
        {
            ["host.backend"] = engine.Backend.ToString(),
            ["host.roundTrip"] = receiver.Payloads.Count,
        };
        channel.DisposeAsync().AsTask().GetAwaiter().GetResult();
        host.StopAsync().GetAwaiter().GetResult();
        return result;
    }

    // ---- helpers ----

    private static string? CaptureError(Action action)
    {
        try
        {
            action();
            return null;
        }
        catch (PacketEngineException e)
        {
            return e.Message;
        }
    }

    private static Dictionary<string, long> Snapshot(PacketChannelCounters counters)
    {
        var snapshot = Enum.GetValues<DropReason>().ToDictionary(r => r.ToString(), r => counters.Dropped(r));
        snapshot["packetsIn"] = counters.PacketsIn;
        return snapshot;
    }

    internal static byte[] Pattern(int length, int seed)
    {
        var bytes = new byte[length];
        for (var i = 0; i < length; i++)
            bytes[i] = (byte)(i * 31 + seed * 7 + (seed >> 8));
        return bytes;
    }

    private static string Digest(IEnumerable<byte[]> payloads)
    {
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        foreach (var payload in payloads)
        {
            hash.AppendData(BitConverter.GetBytes(payload.Length));
            hash.AppendData(payload);
        }
        return Convert.ToHexString(hash.GetHashAndReset());
    }

    internal static byte[] BuildFrame(DpdkPacketEngine engine, ushort destinationPort, byte[] payload, uint? destinationIp = null)
    {
        var frame = new byte[FrameWriter.UdpHeadersSize + payload.Length];
        FrameWriter.TryWriteUdpHeaders(frame, new MacAddress(0x02_00_00_00_00_99), engine.LocalMac, 0x0A630102, 40000,
            destinationIp ?? engine.LocalIp, destinationPort, payload, udpChecksum: true, out _);
        payload.CopyTo(frame.AsSpan(FrameWriter.UdpHeadersSize));
        return frame;
    }

    private static byte[] BuildArp(DpdkPacketEngine engine, ushort operation, uint targetIp)
    {
        var frame = new byte[FrameWriter.ArpFrameSize];
        FrameWriter.TryWriteArp(frame, MacAddress.Broadcast,
            new ArpPacket(operation, new MacAddress(0x02_00_00_00_00_98), 0x0A630103, default, targetIp), out _);
        return frame;
    }

    private static byte[] Mutate(byte[] frame, Action<byte[]> change)
    {
        var copy = frame.ToArray();
        change(copy);
        return copy;
    }

    // Truncates the frame and shrinks the IPv4 Total Length to match (header checksum redone), so
    // only the UDP layer is short.
    private static byte[] Truncate(byte[] frame, int length) => Mutate(frame[..length], f =>
    {
        BinaryPrimitives.WriteUInt16BigEndian(f.AsSpan(EthernetHeader.Size + 2), (ushort)(length - EthernetHeader.Size));
        FixIpChecksum(f);
    });

    private static byte[] WithIpField(byte[] frame, int offset, ushort value) => Mutate(frame, f =>
    {
        BinaryPrimitives.WriteUInt16BigEndian(f.AsSpan(EthernetHeader.Size + offset), value);
        FixIpChecksum(f);
    });

    private static byte[] WithIpByte(byte[] frame, int offset, byte value) => Mutate(frame, f =>
    {
        f[EthernetHeader.Size + offset] = value;
        FixIpChecksum(f);
    });

    private static void FixIpChecksum(byte[] frame)
    {
        var header = frame.AsSpan(EthernetHeader.Size, Ipv4Header.MinimumSize);
        header[10] = 0;
        header[11] = 0;
        BinaryPrimitives.WriteUInt16BigEndian(header[10..], InternetChecksum.Compute(header));
    }

    private static void WaitUntil(Func<bool> condition)
    {
        var deadline = DateTime.UtcNow + Deadline;
        while (!condition() && DateTime.UtcNow < deadline)
            Thread.Sleep(5);
    }

    private static int GetAffinityCount()
    {
        // /proc/self/status lists the allowed CPUs of the main thread; after rte_eal_init it must not be pinned to one.
        var line = File.ReadLines("/proc/thread-self/status").FirstOrDefault(l => l.StartsWith("Cpus_allowed_list:", StringComparison.Ordinal));
        if (line is null)
            return -1;
        var count = 0;
        foreach (var part in line["Cpus_allowed_list:".Length..].Trim().Split(','))
        {
            var bounds = part.Split('-');
            count += bounds.Length == 2 ? int.Parse(bounds[1], System.Globalization.CultureInfo.InvariantCulture) - int.Parse(bounds[0], System.Globalization.CultureInfo.InvariantCulture) + 1 : 1;
        }
        return count;
    }

    private sealed class CollectingReceiver : IPacketReceiver
    {
        private readonly ConcurrentQueue<(byte[] Payload, PacketAddress Source)> _received = new();
        private int _batches;

        public List<byte[]> Payloads => [.. _received.Select(r => r.Payload)];

        public List<PacketAddress> Sources => [.. _received.Select(r => r.Source)];

        public int Batches => Volatile.Read(ref _batches);

        public void OnReceived(IPacketChannel channel, PacketBatch batch)
        {
            Interlocked.Increment(ref _batches);
            for (var i = 0; i < batch.Count; i++)
                _received.Enqueue((batch[i].ToArray(), batch.GetAddress(i)));
        }

        public void WaitFor(int count) => WaitUntil(() => _received.Count >= count);
    }

    /// <summary>Sends every received batch straight back to its senders, from inside the callback.</summary>
    private sealed class EchoReceiver : IPacketReceiver
    {
        public void OnReceived(IPacketChannel channel, PacketBatch batch) => channel.Send(batch);
    }
}
