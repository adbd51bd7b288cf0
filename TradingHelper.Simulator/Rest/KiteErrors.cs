using System.Text.Encodings.Web;
using System.Text.Json;

namespace TradingHelper.Simulator.Rest;

/// <summary>Kite's REST error envelope <c>{"status":"error","message":...,"error_type":...,"data":null}</c>, which its clients branch on.</summary>
internal static class KiteErrors
{
    /// <summary>Kite's JSON is snake_case, and its timestamps' "+0530" is written as is, not escaped.</summary>
    public static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web)
    {
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    };

    public static IResult Token(string message = "Incorrect `api_key` or `access_token`.") =>
        Error(StatusCodes.Status403Forbidden, "TokenException", message);

    public static IResult Input(string message) => Error(StatusCodes.Status400BadRequest, "InputException", message);

    public static IResult TooManyRequests() => Error(StatusCodes.Status429TooManyRequests, "NetworkException", "Too many requests");

    public static IResult Error(int statusCode, string errorType, string message) =>
        TypedResults.Json(new { status = "error", message, error_type = errorType, data = (object?)null }, Json, statusCode: statusCode);
}
