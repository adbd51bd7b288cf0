using System.ComponentModel.DataAnnotations;
using Microsoft.Extensions.Options;

namespace TradingHelper.Ingestor.Leases;

/// <summary>Who this Ingestor is among those sharing a database, bound from the <c>Ingestor</c> section.</summary>
public sealed partial class IngestorOptions
{
    public const string SectionName = "Ingestor";

    /// <summary>
    /// Unique among the Ingestors of one database and kept across restarts: a restarted Ingestor takes its own leases
    /// back at once, and its feed gaps are told apart from the others'.
    /// </summary>
    [Required(AllowEmptyStrings = false, ErrorMessage = "Ingestor:Name is required.")]
    [RegularExpression("^[A-Za-z0-9_.-]{1,63}$", ErrorMessage = "Ingestor:Name must be 1-63 letters, digits, '.', '_' or '-'.")]
    public string Name { get; set; } = "ingestor";

    /// <summary>Checks the data annotations above in generated code, without reflection (Native AOT).</summary>
    [OptionsValidator]
    internal sealed partial class Validator : IValidateOptions<IngestorOptions>
    {
    }
}
