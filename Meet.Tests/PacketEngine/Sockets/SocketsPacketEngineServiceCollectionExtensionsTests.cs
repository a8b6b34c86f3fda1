using Meet.PacketEngine;
using Meet.PacketEngine.Sockets;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace Meet.Tests.PacketEngine.Sockets;

public sealed class SocketsPacketEngineServiceCollectionExtensionsTests
{
    private static ServiceProvider Build(Dictionary<string, string?> settings)
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(settings).Build();
        return new ServiceCollection().AddPacketEngine(configuration).BuildServiceProvider();
    }

    [Test]
    public async Task Default_configuration_registers_the_sockets_engine_with_its_options()
    {
        await using var services = Build(new() { ["PacketEngine:Sockets:BatchSize"] = "16", ["PacketEngine:Sockets:UseGso"] = "false" });

        services.GetRequiredService<IStartupValidator>().Validate();
        var engine = services.GetRequiredService<IPacketEngine>();

        engine.Backend.Should().Be(PacketEngineBackend.Sockets);
        var options = services.GetRequiredService<IOptions<SocketsPacketEngineOptions>>().Value;
        options.BatchSize.Should().Be(16);
        options.UseGso.Should().BeFalse();
    }

    [TestCase("BatchSize", "0")]
    [TestCase("SlotSize", "10")]
    [TestCase("ReceiveLoops", "-1")]
    [TestCase("MaxGsoSegments", "65")]
    public async Task An_invalid_value_fails_start_up_with_a_message_naming_the_key(string key, string value)
    {
        await using var services = Build(new() { [$"PacketEngine:Sockets:{key}"] = value });

        var validate = () => services.GetRequiredService<IStartupValidator>().Validate();

        validate.Should().Throw<OptionsValidationException>().WithMessage($"*PacketEngine:Sockets:{key} is {value}*");
    }

    [Test]
    public void The_factory_rejects_invalid_options_naming_the_key()
    {
        var create = () => SocketsPacketEngineFactory.Create(new SocketsPacketEngineOptions { BatchSize = 5000 });

        create.Should().Throw<PacketEngineException>().WithMessage("*PacketEngine:Sockets:BatchSize is 5000*");
    }

    [Test]
    public void An_unknown_backend_fails_naming_the_key()
    {
        var build = () => Build(new() { ["PacketEngine:Backend"] = "Carrier-Pigeon" });

        build.Should().Throw<PacketEngineException>().WithMessage("*PacketEngine:Backend*Carrier-Pigeon*");
    }
}
