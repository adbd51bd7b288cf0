using System.Net;
using System.Text.Json;

namespace TradingHelper.Tests.Api;

/// <summary>Assertions on RFC 7807 answers.</summary>
public static class Problems
{
    /// <summary>Asserts a problem of <paramref name="status"/> with a title, and returns its JSON.</summary>
    public static async Task<JsonElement> AssertProblemAsync(HttpResponseMessage response, HttpStatusCode status)
    {
        var body = await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken);
        Assert.True(status == response.StatusCode, $"Expected {(int)status}, got {(int)response.StatusCode}: {body}");
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        var problem = JsonDocument.Parse(body).RootElement;
        Assert.Equal((int)status, problem.GetProperty("status").GetInt32());
        Assert.False(string.IsNullOrWhiteSpace(problem.GetProperty("title").GetString()));
        return problem;
    }

    /// <summary>Asserts a 400 validation problem whose errors name <paramref name="field"/>, and returns that field's messages.</summary>
    public static async Task<string> AssertFieldProblemAsync(HttpResponseMessage response, string field)
    {
        var problem = await AssertProblemAsync(response, HttpStatusCode.BadRequest);
        Assert.True(problem.TryGetProperty("errors", out var errors), problem.ToString());
        Assert.True(errors.TryGetProperty(field, out var messages), $"No error for '{field}' in {errors}");
        return string.Join(" ", messages.EnumerateArray().Select(message => message.GetString()));
    }
}
