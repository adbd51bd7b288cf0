using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Microsoft.Extensions.Options;
using StackExchange.Redis;
using TradingHelper.Core.Brokers;
using TradingHelper.Core.Commands;

namespace TradingHelper.Ingestor.Brokers.Kite;

/// <summary>
/// Keeps the Kite session in Redis until it expires at 06:00 IST, so a restarted (or another) Ingestor needs no new
/// login, and publishes its status and login outcomes for the Api. The token is stored encrypted with AES-GCM under a
/// key derived from the api_secret, which only Ingestors hold; nothing stored for the Api carries a token.
/// </summary>
public sealed class KiteSessionStore(IConnectionMultiplexer redis, IOptions<KiteOptions> options, TimeProvider time)
{
    public const string Broker = "kite";

    private const string Version = "v1";
    private static readonly TimeSpan StatusLifetime = TimeSpan.FromDays(7);
    private static readonly byte[] KeyPurpose = Encoding.UTF8.GetBytes("TradingHelper.Kite.AccessToken.v1");

    /// <summary>Stores the token until <paramref name="expiresAt"/>; false when there is no api_secret to encrypt it with.</summary>
    public async Task<bool> SaveTokenAsync(string accessToken, DateTimeOffset expiresAt)
    {
        if (EncryptionKey() is not { } key)
        {
            return false;
        }
        var lifetime = expiresAt - time.GetUtcNow();
        if (lifetime <= TimeSpan.Zero)
        {
            return false;
        }
        var plain = Encoding.UTF8.GetBytes(accessToken);
        var sealedBytes = new byte[AesGcm.NonceByteSizes.MaxSize + plain.Length + AesGcm.TagByteSizes.MaxSize];
        var nonce = sealedBytes.AsSpan(0, AesGcm.NonceByteSizes.MaxSize);
        RandomNumberGenerator.Fill(nonce);
        using (var aes = new AesGcm(key, AesGcm.TagByteSizes.MaxSize))
        {
            aes.Encrypt(nonce, plain, sealedBytes.AsSpan(nonce.Length, plain.Length), sealedBytes.AsSpan(nonce.Length + plain.Length), Associated(expiresAt));
        }
        var value = string.Create(CultureInfo.InvariantCulture, $"{Version}:{expiresAt.ToUnixTimeMilliseconds()}:{Convert.ToBase64String(sealedBytes)}");
        await redis.GetDatabase().StringSetAsync(BrokerSessionKeys.Token(Broker), value, lifetime);
        return true;
    }

    /// <summary>The stored token and its expiry, or null when there is none, it expired, or it cannot be decrypted (another api_secret).</summary>
    public async Task<(string AccessToken, DateTimeOffset ExpiresAt)?> LoadTokenAsync()
    {
        var value = (string?)await redis.GetDatabase().StringGetAsync(BrokerSessionKeys.Token(Broker));
        var parts = value?.Split(':');
        if (parts is not [Version, var expiryText, var payload] || EncryptionKey() is not { } key
            || !long.TryParse(expiryText, NumberStyles.None, CultureInfo.InvariantCulture, out var expiryMs))
        {
            return null;
        }
        var expiresAt = DateTimeOffset.FromUnixTimeMilliseconds(expiryMs);
        if (expiresAt <= time.GetUtcNow())
        {
            return null;
        }
        try
        {
            var sealedBytes = Convert.FromBase64String(payload);
            var nonceSize = AesGcm.NonceByteSizes.MaxSize;
            var tagSize = AesGcm.TagByteSizes.MaxSize;
            var plain = new byte[sealedBytes.Length - nonceSize - tagSize];
            using var aes = new AesGcm(key, tagSize);
            aes.Decrypt(sealedBytes.AsSpan(0, nonceSize), sealedBytes.AsSpan(nonceSize, plain.Length), sealedBytes.AsSpan(nonceSize + plain.Length), plain, Associated(expiresAt));
            return (Encoding.UTF8.GetString(plain), expiresAt);
        }
        catch (Exception exception) when (exception is CryptographicException or FormatException or OverflowException or ArgumentException)
        {
            return null;
        }
    }

    public Task WriteStatusAsync(BrokerSessionStatus status) =>
        redis.GetDatabase().StringSetAsync(BrokerSessionKeys.Status(Broker), JsonSerializer.Serialize(status, CommandJson.Options), StatusLifetime);

    public Task WriteResultAsync(string correlationId, BrokerSessionResult result) =>
        redis.GetDatabase().StringSetAsync(BrokerSessionKeys.Result(correlationId), JsonSerializer.Serialize(result, CommandJson.Options), BrokerSessionKeys.ResultLifetime);

    private byte[]? EncryptionKey() =>
        options.Value.ApiSecret is { Length: > 0 } secret
            ? HKDF.DeriveKey(HashAlgorithmName.SHA256, Encoding.UTF8.GetBytes(secret), 32, salt: [], info: KeyPurpose)
            : null;

    // Binding the expiry into the tag stops a stored token from being replayed under a later expiry.
    private static byte[] Associated(DateTimeOffset expiresAt) =>
        Encoding.ASCII.GetBytes(expiresAt.ToUnixTimeMilliseconds().ToString(CultureInfo.InvariantCulture));
}
