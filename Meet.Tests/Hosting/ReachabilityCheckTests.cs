using Meet.Modules.Hosting;
using Meet.Modules.Hosting.Internal;
using Meet.Modules.Meetings.Internal;
using Microsoft.Extensions.Configuration;

namespace Meet.Tests.Hosting;

// The configuration logic of "reachable from other machines": listen addresses, the announced
// address in URLs, and the start-up warnings. Nothing is sent to a non-loopback address.
public sealed class ReachabilityCheckTests
{
    private static IConfiguration Config(params (string Key, string Value)[] pairs) =>
        new ConfigurationBuilder().AddInMemoryCollection(pairs.Select(p => new KeyValuePair<string, string?>(p.Key, p.Value))).Build();

    [Test]
    public void Default_configuration_listens_on_localhost_only()
    {
        var config = Config();

        ListenAddresses.Urls(config).Should().Be("http://localhost:5000");
        ListenAddresses.GrpcUrl(config).Should().Be("http://localhost:5001");
    }

    [Test]
    public void Node_public_listens_on_every_interface()
    {
        var config = Config(("Node:Public", "true"));

        ListenAddresses.Urls(config).Should().Be("http://0.0.0.0:5000");
        ListenAddresses.GrpcUrl(config).Should().Be("http://0.0.0.0:5001");
    }

    [Test]
    public void A_certificate_adds_https_and_moves_grpc_onto_it()
    {
        var config = Config(("Node:Public", "true"), ("Https:CertificatePath", "/etc/meet/cert.pem"));

        ListenAddresses.Urls(config).Should().Be("https://0.0.0.0:5443;http://0.0.0.0:5000");
        ListenAddresses.GrpcUrl(config).Should().BeEmpty();
    }

    [Test]
    public void Configured_urls_and_grpc_url_win_over_the_defaults()
    {
        var config = Config(("Node:Public", "true"), ("urls", "http://10.1.2.3:8080"), ("Signaling:GrpcUrl", "http://10.1.2.3:8081"));

        ListenAddresses.Urls(config).Should().Be("http://10.1.2.3:8080");
        ListenAddresses.GrpcUrl(config).Should().Be("http://10.1.2.3:8081");
    }

    [Test]
    public void Public_join_links_use_the_announced_address_and_prefer_https()
    {
        MeetingsOptionsPostConfigure.Derive("https://0.0.0.0:5443;http://0.0.0.0:5000", "192.168.1.20").Should().Be("https://192.168.1.20:5443");
        MeetingsOptionsPostConfigure.Derive("http://*:5000", "192.168.1.20").Should().Be("http://192.168.1.20:5000");
        MeetingsOptionsPostConfigure.Derive("http://0.0.0.0:5000", "2001:db8::7").Should().Be("http://[2001:db8::7]:5000");
        MeetingsOptionsPostConfigure.Derive("http://0.0.0.0:0", "192.168.1.20").Should().BeNull();
    }

    [Test]
    public void Default_configuration_warns_that_it_serves_only_this_machine_naming_the_keys()
    {
        var warnings = ReachabilityCheck.Warnings("http://localhost:5000", "127.0.0.1", publicBaseUrl: "", httpsEnabled: false, reverseProxy: false);

        warnings.Should().ContainSingle().Which.Should()
            .Contain("only this machine").And.Contain("Node:Public").And.Contain("Node:PublicIp").And.Contain("urls").And.Contain("Https:CertificatePath");
    }

    [Test]
    public void Public_plain_http_warns_that_browsers_refuse_the_camera()
    {
        var warnings = ReachabilityCheck.Warnings("http://0.0.0.0:5000", "192.168.1.20", "http://192.168.1.20:5000", httpsEnabled: false, reverseProxy: false);

        warnings.Should().ContainSingle().Which.Should().Contain("Https:CertificatePath").And.Contain("ReverseProxy:Enabled");
    }

    [Test]
    public void Loopback_announced_beside_a_public_listener_is_named()
    {
        var warnings = ReachabilityCheck.Warnings("https://0.0.0.0:5443", "127.0.0.1", "", httpsEnabled: true, reverseProxy: false);

        warnings.Should().ContainSingle().Which.Should().Contain("Node:PublicIp").And.NotContain("HTTP listens");
    }

    [Test]
    public void A_public_https_server_has_nothing_to_warn_about()
    {
        ReachabilityCheck.Warnings("https://0.0.0.0:5443;http://0.0.0.0:5000", "192.168.1.20", "https://192.168.1.20:5443", httpsEnabled: true, reverseProxy: false)
            .Should().BeEmpty();
        // Behind a TLS proxy on the same machine, listening on loopback is what the README recommends.
        ReachabilityCheck.Warnings("http://127.0.0.1:5000", "203.0.113.7", "https://meet.example.com", httpsEnabled: false, reverseProxy: true)
            .Should().BeEmpty();
    }
}
