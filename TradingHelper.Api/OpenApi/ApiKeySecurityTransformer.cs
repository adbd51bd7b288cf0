using Microsoft.AspNetCore.OpenApi;
using Microsoft.OpenApi;
using TradingHelper.Api.Security;

namespace TradingHelper.Api.OpenApi;

/// <summary>Declares the <c>X-Api-Key</c> scheme and requires it on the operations that carry <see cref="ApiKeyRequirement"/>.</summary>
internal sealed class ApiKeySecurityTransformer : IOpenApiDocumentTransformer, IOpenApiOperationTransformer
{
    public Task TransformAsync(OpenApiDocument document, OpenApiDocumentTransformerContext context, CancellationToken cancellationToken)
    {
        document.Components ??= new OpenApiComponents();
        document.Components.SecuritySchemes ??= new Dictionary<string, IOpenApiSecurityScheme>();
        document.Components.SecuritySchemes[ApiKeyRequirement.SchemeName] = new OpenApiSecurityScheme
        {
            Type = SecuritySchemeType.ApiKey,
            In = ParameterLocation.Header,
            Name = ApiKeyRequirement.HeaderName,
            Description = "Required by every endpoint that changes state (POST, PUT, DELETE); configured by Api:ApiKey.",
        };
        return Task.CompletedTask;
    }

    public Task TransformAsync(OpenApiOperation operation, OpenApiOperationTransformerContext context, CancellationToken cancellationToken)
    {
        if (context.Description.ActionDescriptor.EndpointMetadata.OfType<ApiKeyRequirement>().Any())
        {
            operation.Security ??= [];
            operation.Security.Add(new OpenApiSecurityRequirement
            {
                [new OpenApiSecuritySchemeReference(ApiKeyRequirement.SchemeName, context.Document)] = [],
            });
        }
        return Task.CompletedTask;
    }
}
