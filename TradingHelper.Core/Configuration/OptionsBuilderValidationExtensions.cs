using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using TradingHelper.Core.Configuration;
using System.Diagnostics.CodeAnalysis;

namespace TradingHelper.Core.Configuration;

public static class OptionsBuilderValidationExtensions
{
    /// <summary>
    /// Validates the options with a <c>[OptionsValidator]</c> source-generated validator: the same data annotations as
    /// <c>ValidateDataAnnotations</c>, checked by generated code instead of reflection, so it holds under Native AOT.
    /// </summary>
    public static OptionsBuilder<TOptions> ValidateWith<TOptions, [DynamicallyAccessedMembers(DynamicallyAccessedMemberTypes.PublicConstructors)] TValidator>(this OptionsBuilder<TOptions> builder)
        where TOptions : class
        where TValidator : class, IValidateOptions<TOptions>
    {
        builder.Services.AddSingleton<IValidateOptions<TOptions>, TValidator>();
        return builder;
    }
}
