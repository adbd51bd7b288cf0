using System.Text.Json.Nodes;

namespace TradingHelper.Tests.Observability;

/// <summary>A SQL query of a dashboard: a panel target, a variable's query or an annotation's.</summary>
/// <param name="Use">The panel type (<c>timeseries</c>, <c>candlestick</c>, …), <c>variable</c> or <c>annotation</c>.</param>
internal sealed record DashboardSql(string Dashboard, string Where, string Use, string Format, string RawSql)
{
    public override string ToString() => $"{Dashboard} / {Where} ({Use})";
}

/// <summary>A PromQL target of a dashboard panel.</summary>
internal sealed record DashboardPromQl(string Dashboard, string Where, string Expr)
{
    public override string ToString() => $"{Dashboard} / {Where}";
}

/// <summary>A dashboard variable: a SQL query variable, or a custom one with a fixed list of options.</summary>
internal sealed record DashboardVariable(string Name, string Type, string Query, bool Multi, bool IncludeAll);

/// <summary>The committed dashboards under <c>grafana/dashboards</c>, read as Grafana reads their JSON.</summary>
internal sealed class GrafanaDashboard
{
    private GrafanaDashboard(string file, JsonObject json)
    {
        File = file;
        Json = json;
    }

    public const string PostgresType = "grafana-postgresql-datasource";
    public const string PrometheusType = "prometheus";

    public static string Directory => RepositoryFiles.PathOf(Path.Combine("grafana", "dashboards"));

    public string File { get; }

    public JsonObject Json { get; }

    public string Title => (string)Json["title"]!;

    public static IReadOnlyList<GrafanaDashboard> LoadAll() =>
        [.. System.IO.Directory.GetFiles(Directory, "*.json").Order(StringComparer.Ordinal)
            .Select(path => new GrafanaDashboard(Path.GetFileName(path), JsonNode.Parse(System.IO.File.ReadAllText(path))!.AsObject()))];

    public IEnumerable<JsonObject> Panels => Json["panels"]!.AsArray().Select(panel => panel!.AsObject());

    public IReadOnlyList<DashboardVariable> Variables =>
        [.. Json["templating"]!["list"]!.AsArray().Select(node => node!.AsObject()).Select(variable => new DashboardVariable(
            (string)variable["name"]!,
            (string)variable["type"]!,
            (string)variable["query"]!,
            (bool?)variable["multi"] ?? false,
            (bool?)variable["includeAll"] ?? false))];

    public IEnumerable<DashboardSql> SqlQueries()
    {
        foreach (var panel in Panels)
        {
            foreach (var target in Targets(panel).Where(IsPostgres))
            {
                yield return new DashboardSql(File, (string)panel["title"]!, (string)panel["type"]!, (string?)target["format"] ?? "time_series", (string)target["rawSql"]!);
            }
        }
        foreach (var variable in Json["templating"]!["list"]!.AsArray().Select(node => node!.AsObject()).Where(IsPostgres))
        {
            yield return new DashboardSql(File, $"${variable["name"]}", "variable", "table", (string)variable["query"]!);
        }
        foreach (var annotation in Json["annotations"]!["list"]!.AsArray().Select(node => node!.AsObject()).Where(IsPostgres))
        {
            yield return new DashboardSql(File, (string)annotation["name"]!, "annotation", "table", (string)annotation["target"]!["rawSql"]!);
        }
    }

    public IEnumerable<DashboardPromQl> PromQlQueries() =>
        from panel in Panels
        from target in Targets(panel)
        where DatasourceType(target) == PrometheusType
        select new DashboardPromQl(File, $"{panel["title"]} {target["refId"]}", (string)target["expr"]!);

    /// <summary>Every datasource uid the dashboard names, at any depth (panels, targets, variables, annotations).</summary>
    public IReadOnlySet<string> DatasourceUids()
    {
        var uids = new HashSet<string>(StringComparer.Ordinal);
        Collect(Json);
        return uids;

        void Collect(JsonNode? node)
        {
            switch (node)
            {
                case JsonObject obj:
                    if (obj["datasource"] is JsonObject { } datasource && (string?)datasource["uid"] is { } uid
                        && (string?)datasource["type"] != "grafana")
                    {
                        uids.Add(uid);
                    }
                    foreach (var (_, child) in obj)
                    {
                        Collect(child);
                    }
                    break;
                case JsonArray array:
                    foreach (var child in array)
                    {
                        Collect(child);
                    }
                    break;
            }
        }
    }

    private static IEnumerable<JsonObject> Targets(JsonObject panel) =>
        panel["targets"]?.AsArray().Select(target => target!.AsObject()) ?? [];

    private static bool IsPostgres(JsonObject element) => DatasourceType(element) == PostgresType;

    private static string? DatasourceType(JsonObject element) =>
        (string?)element["datasource"]?["type"] ?? (string?)element["target"]?["datasource"]?["type"];
}
