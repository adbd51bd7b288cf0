using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using StackExchange.Redis;
using TradingHelper.Core.Brokers;
using TradingHelper.Core.Commands;
using TradingHelper.Ingestor.Commands;

namespace TradingHelper.Ingestor.Brokers;

/// <summary>
/// Keeps a broker session in Redis until it expires, so a restarted (or another) Ingestor needs no new login, and
/// publishes its status and login outcomes for the Api. The token is stored encrypted with AES-GCM under a key derived
/// from the broker app's secret, which only Ingestors hold; nothing stored for the Api carries a token.
/// </summary>
/// <param name="broker">The broker's name in the Redis keys (<c>kite</c>, <c>fyers</c>).</param>
/// <param name="keyPurpose">Binds the derived key to this use (HKDF info).</param>
/// <param name="secret">The app secret the key is derived from; null or empty when not configured (nothing is stored then).</param>
public class BrokerSessionStore(IConnectionMultiplexer redis, TimeProvider time, string broker, string keyPurpose, Func<string?> secret)
{
    private const string Version = "v1";
    private static readonly TimeSpan StatusLifetime = TimeSpan.FromDays(7);
    private readonly byte[] _keyPurpose = Encoding.UTF8.GetBytes(keyPurpose);

    /// <summary>Stores the token until <paramref name="expiresAt"/>; false when there is no secret to encrypt it with.</summary>
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
        await redis.GetDatabase().StringSetAsync(BrokerSessionKeys.Token(broker), value, lifetime);
        return true;
    }

    /// <summary>The stored token and its expiry, or null when there is none, it expired, or it cannot be decrypted (another secret).</summary>
    public async Task<(string AccessToken, DateTimeOffset ExpiresAt)?> LoadTokenAsync()
    {
        var value = (string?)await redis.GetDatabase().StringGetAsync(BrokerSessionKeys.Token(broker));
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
        redis.GetDatabase().StringSetAsync(BrokerSessionKeys.Status(broker), JsonSerializer.Serialize(status, IngestorJsonContext.Default.BrokerSessionStatus), StatusLifetime);

    public Task WriteResultAsync(string correlationId, BrokerSessionResult result) =>
        redis.GetDatabase().StringSetAsync(BrokerSessionKeys.Result(correlationId), JsonSerializer.Serialize(result, IngestorJsonContext.Default.BrokerSessionResult), BrokerSessionKeys.ResultLifetime);

    private byte[]? EncryptionKey() =>
        secret() is { Length: > 0 } appSecret
            ? HKDF.DeriveKey(HashAlgorithmName.SHA256, Encoding.UTF8.GetBytes(appSecret), 32, salt: [], info: _keyPurpose)
            : null;

    // Binding the expiry into the tag stops a stored token from being replayed under a later expiry.
    private static byte[] Associated(DateTimeOffset expiresAt) =>
        Encoding.ASCII.GetBytes(expiresAt.ToUnixTimeMilliseconds().ToString(CultureInfo.InvariantCulture));
}
