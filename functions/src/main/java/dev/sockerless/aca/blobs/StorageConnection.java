package dev.sockerless.aca.blobs;

import dev.sockerless.aca.errors.DockerApiException;
import java.net.URI;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import org.jspecify.annotations.Nullable;

/**
 * The blob side of a storage connection string: the blob endpoint ({@code BlobEndpoint}, else
 * {@code DefaultEndpointsProtocol://AccountName.blob.EndpointSuffix}, or Azurite's for
 * {@code UseDevelopmentStorage=true}) and the credential it carries, if any (an account key or a SAS).
 * Neither the string nor its secrets ever appear in a message or in {@link #toString()}.
 */
public final class StorageConnection {

    /** Azurite's well-known development account (public, documented by Microsoft). */
    static final String DEV_ACCOUNT = "devstoreaccount1";

    static final String DEV_KEY =
            "Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==";

    private final URI blobEndpoint;
    private final @Nullable String accountName;
    private final @Nullable String accountKey;
    private final @Nullable String sasToken;

    private StorageConnection(
            URI blobEndpoint, @Nullable String accountName, @Nullable String accountKey, @Nullable String sasToken) {
        this.blobEndpoint = blobEndpoint;
        this.accountName = accountName;
        this.accountKey = accountKey;
        this.sasToken = sasToken;
    }

    /** Parses a connection string; a malformed one is a configuration error that does not echo it. */
    public static StorageConnection parse(String connectionString) {
        Map<String, String> parts = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
        for (String part : connectionString == null ? new String[0] : connectionString.split(";")) {
            if (part.isBlank()) {
                continue;
            }
            int eq = part.indexOf('=');
            if (eq <= 0) {
                throw malformed("a part is not key=value");
            }
            parts.put(part.substring(0, eq).trim(), part.substring(eq + 1).trim());
        }
        if ("true".equalsIgnoreCase(parts.get("UseDevelopmentStorage"))) {
            String proxy =
                    Optional.ofNullable(parts.get("DevelopmentStorageProxyUri")).orElse("http://127.0.0.1");
            return new StorageConnection(endpoint(proxy + ":10000/" + DEV_ACCOUNT), DEV_ACCOUNT, DEV_KEY, null);
        }
        String account = blankToNull(parts.get("AccountName"));
        String key = blankToNull(parts.get("AccountKey"));
        String sas = blankToNull(parts.get("SharedAccessSignature"));
        String explicit = blankToNull(parts.get("BlobEndpoint"));
        URI endpoint;
        if (explicit != null) {
            endpoint = endpoint(explicit);
        } else if (account != null) {
            String protocol = Optional.ofNullable(blankToNull(parts.get("DefaultEndpointsProtocol")))
                    .orElse("https");
            String suffix = Optional.ofNullable(blankToNull(parts.get("EndpointSuffix")))
                    .orElse("core.windows.net");
            endpoint = endpoint(protocol + "://" + account + ".blob." + suffix);
        } else {
            throw malformed("it names neither BlobEndpoint nor AccountName");
        }
        if (key != null && account == null) {
            throw malformed("AccountKey without AccountName");
        }
        return new StorageConnection(endpoint, account, key, sas);
    }

    private static URI endpoint(String text) {
        URI uri;
        try {
            uri = URI.create(text.endsWith("/") ? text.substring(0, text.length() - 1) : text);
        } catch (IllegalArgumentException e) {
            throw malformed("the blob endpoint is not a URL");
        }
        String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
        if (!(scheme.equals("http") || scheme.equals("https")) || uri.getHost() == null || uri.getRawQuery() != null) {
            throw malformed("the blob endpoint must be an http(s) URL with a host and no query");
        }
        return uri;
    }

    private static @Nullable String blankToNull(@Nullable String s) {
        return s == null || s.isBlank() ? null : s;
    }

    private static DockerApiException malformed(String why) {
        return DockerApiException.system(
                "configuration: the storage connection string is malformed (" + why + ")", null);
    }

    /** {@code scheme://host[:port][/account]} (the account path of an IP-style endpoint such as Azurite's). */
    public URI blobEndpoint() {
        return blobEndpoint;
    }

    Optional<String> accountName() {
        return Optional.ofNullable(accountName);
    }

    Optional<String> accountKey() {
        return Optional.ofNullable(accountKey);
    }

    Optional<String> sasToken() {
        return Optional.ofNullable(sasToken);
    }

    /** True when requests are signed with the string's own key or SAS (Azurite, development); else the identity. */
    public boolean hasSecret() {
        return accountKey != null || sasToken != null;
    }

    @Override
    public String toString() {
        return "StorageConnection[" + blobEndpoint + (hasSecret() ? ", with a secret" : "") + "]";
    }
}
