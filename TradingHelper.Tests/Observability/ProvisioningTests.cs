using System.Text.RegularExpressions;
using TradingHelper.Tests.Infrastructure;
using YamlDotNet.RepresentationModel;

namespace TradingHelper.Tests.Observability;

public sealed partial class ProvisioningTests
{
    // What the AppHost gives the Grafana container: PROMETHEUS_URL by name, TRADINGDB_* through WithReference(db).
    private static readonly string[] AppHostVariables =
        ["PROMETHEUS_URL", "TRADINGDB_HOST", "TRADINGDB_PORT", "TRADINGDB_USERNAME", "TRADINGDB_PASSWORD", "TRADINGDB_DATABASENAME"];

    // Grafana runs in the AppHost's containers mode only.
    private static string AppHost => File.ReadAllText(RepositoryFiles.PathOf(Path.Combine("TradingHelper.AppHost", "Infrastructure", "ContainerInfrastructure.cs")));

    [Fact]
    public void Datasources_reach_the_trading_database_and_prometheus_through_the_apphost_variables()
    {
        var datasources = Datasources();
        var database = datasources["tradingdb"];
        var prometheus = datasources["prometheus"];

        Assert.Equal(GrafanaDashboard.PostgresType, Scalar(database, "type"));
        Assert.Equal("${TRADINGDB_HOST}:${TRADINGDB_PORT}", Scalar(database, "url"));
        Assert.Equal("${TRADINGDB_USERNAME}", Scalar(database, "user"));
        Assert.Equal("${TRADINGDB_DATABASENAME}", Scalar(database, "jsonData", "database"));
        Assert.Equal("${TRADINGDB_PASSWORD}", Scalar(database, "secureJsonData", "password"));
        Assert.Equal("disable", Scalar(database, "jsonData", "sslmode"));
        Assert.Equal("1500", Scalar(database, "jsonData", "postgresVersion"));
        Assert.Equal("true", Scalar(database, "jsonData", "timescaledb"));
        Assert.Equal(GrafanaDashboard.PrometheusType, Scalar(prometheus, "type"));
        Assert.Equal("${PROMETHEUS_URL}", Scalar(prometheus, "url"));
        Assert.Contains("\"PROMETHEUS_URL\"", AppHost, StringComparison.Ordinal);
    }

    [Fact]
    public void Provisioning_expands_only_variables_the_apphost_sets()
    {
        var root = RepositoryFiles.PathOf(Path.Combine("grafana", "provisioning"));
        var used = Directory.GetFiles(root, "*.yaml", SearchOption.AllDirectories)
            .SelectMany(path => ScalarValues(LoadYaml(Path.GetRelativePath(RepositoryFiles.Root, path))))
            .SelectMany(value => EnvironmentReference().Matches(value))
            .Select(match => match.Groups["braced"].Success ? match.Groups["braced"].Value : match.Groups["plain"].Value)
            .ToHashSet();

        Assert.Equal(AppHostVariables.Order(), used.Order());
    }

    [Fact]
    public void Dashboard_provider_reads_the_folder_the_apphost_mounts()
    {
        var root = LoadYaml(Path.Combine("grafana", "provisioning", "dashboards", "dashboards.yaml"));
        var provider = Assert.Single(((YamlSequenceNode)root["providers"]).Children.Cast<YamlMappingNode>());

        Assert.Equal("file", Scalar(provider, "type"));
        Assert.Equal("TradingHelper", Scalar(provider, "folder"));
        Assert.Equal("/var/lib/grafana/dashboards", Scalar(provider, "options", "path"));
        Assert.Contains("\"../grafana/dashboards\", \"/var/lib/grafana/dashboards\"", AppHost, StringComparison.Ordinal);
        Assert.Contains("\"../grafana/provisioning\", \"/etc/grafana/provisioning\"", AppHost, StringComparison.Ordinal);
    }

    [Fact]
    public void Every_dashboard_names_provisioned_datasources_by_uid()
    {
        var provisioned = Datasources().Keys.ToHashSet();
        var dashboards = GrafanaDashboard.LoadAll();

        Assert.Equal(5, dashboards.Count);
        Assert.Equal(dashboards.Count, dashboards.Select(d => (string)d.Json["uid"]!).Distinct().Count());
        Assert.All(dashboards, dashboard =>
        {
            Assert.True((int)dashboard.Json["schemaVersion"]! >= 39, $"{dashboard.File}: schemaVersion below 39");
            Assert.Subset(provisioned, dashboard.DatasourceUids().ToHashSet());
            Assert.All(dashboard.Panels, panel =>
            {
                var uid = (string?)panel["datasource"]?["uid"];
                Assert.True(uid is not null, $"{dashboard.File} / {panel["title"]}: a panel names its datasource by uid");
                Assert.NotEmpty(panel["targets"]!.AsArray());
            });
        });
    }

    [Fact]
    public void Dashboards_pick_instruments_through_variables_never_by_a_fixed_id_or_token()
    {
        var fixedPicks = GrafanaDashboard.LoadAll().SelectMany(d => d.SqlQueries())
            .Where(query => FixedInstrument().IsMatch(query.RawSql))
            .Select(query => query.ToString());

        Assert.Empty(fixedPicks);
    }

    [Theory]
    [InlineData("prometheus/prometheus.local.yml")]
    public async Task Prometheus_config_passes_promtool(string relativePath)
    {
        var promtool = ServerProcess.FindExecutable("promtool", ["/usr/bin/promtool"], "prometheus");

        var output = await ServerProcess.RunAsync(promtool, ["check", "config", RepositoryFiles.PathOf(relativePath)], TimeSpan.FromMinutes(1));

        Assert.Contains("SUCCESS", output, StringComparison.Ordinal);
    }

    private static Dictionary<string, YamlMappingNode> Datasources()
    {
        var root = LoadYaml(Path.Combine("grafana", "provisioning", "datasources", "datasources.yaml"));
        return ((YamlSequenceNode)root["datasources"]).Children.Cast<YamlMappingNode>()
            .ToDictionary(datasource => Scalar(datasource, "uid")!);
    }

    private static YamlMappingNode LoadYaml(string relativePath)
    {
        using var reader = new StringReader(File.ReadAllText(RepositoryFiles.PathOf(relativePath)));
        var stream = new YamlStream();
        stream.Load(reader);
        var root = (YamlMappingNode)stream.Documents.Single().RootNode;
        Assert.Equal("1", Scalar(root, "apiVersion"));
        return root;
    }

    private static IEnumerable<string> ScalarValues(YamlNode node) => node switch
    {
        YamlScalarNode scalar => scalar.Value is { } value ? [value] : [],
        YamlMappingNode mapping => mapping.Children.Values.SelectMany(ScalarValues),
        YamlSequenceNode sequence => sequence.Children.SelectMany(ScalarValues),
        _ => [],
    };

    private static string? Scalar(YamlMappingNode node, params string[] path)
    {
        YamlNode current = node;
        foreach (var key in path)
        {
            if (current is not YamlMappingNode mapping || !mapping.Children.TryGetValue(new YamlScalarNode(key), out var child))
            {
                return null;
            }
            current = child;
        }
        return (current as YamlScalarNode)?.Value;
    }

    [GeneratedRegex(@"(instrument_id|kite_token|fyers_token|fyers_symbol|tradingsymbol)\s*(=|IN\s*\()\s*('|\d)", RegexOptions.IgnoreCase)]
    private static partial Regex FixedInstrument();

    // Grafana expands $NAME and ${NAME} in provisioning values from its environment.
    [GeneratedRegex(@"\$\{(?<braced>[A-Za-z_][A-Za-z0-9_]*)\}|\$(?<plain>[A-Za-z_][A-Za-z0-9_]*)")]
    private static partial Regex EnvironmentReference();
}
