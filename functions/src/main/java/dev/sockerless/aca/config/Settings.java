package dev.sockerless.aca.config;

import dev.sockerless.aca.errors.DockerApiException;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import org.jspecify.annotations.Nullable;

/**
 * The application's settings: environment variables (= Azure app settings), overridden by Java system
 * properties of the same name (the local host sets {@code AzureWebJobsStorage} that way). Every setting is
 * read and validated at first use; a missing or malformed value is an error naming the setting, never a
 * failure at class load.
 */
public final class Settings {

    /** Every setting the app reads, with its default ({@code null} when it has none). */
    public enum Key {
        SOCKERLESS_LISTEN("127.0.0.1:7071"),
        AzureWebJobsStorage(null),
        SOCKERLESS_STATE_STORAGE(null),
        /**
         * Deadline of each state storage call, retries included; past it the request answers 503 naming the state
         * storage. The default keeps a request against frozen storage well under 30 s.
         */
        SOCKERLESS_STATE_TIMEOUT_SECONDS("10"),
        SOCKERLESS_INSECURE_REGISTRIES(""),
        SOCKERLESS_REGISTRY_MIRRORS(""),
        SOCKERLESS_DEFAULT_PLATFORM("linux/amd64"),
        SOCKERLESS_REGISTRY_TIMEOUT_SECONDS("30"),
        SOCKERLESS_STAGING_REGISTRY(null),
        SOCKERLESS_LOAD_MAX_EXPANDED_BYTES(String.valueOf(8L << 30)),
        SOCKERLESS_LOAD_COMPRESS_LAYERS("true"),
        /** Let ISA-L (Intel GKL's native library, x86-64 Linux) gzip layers; false: the JDK's deflate only. */
        SOCKERLESS_LOAD_GZIP_ISAL("true"),
        /** Loads running at once on one instance; one more answers 429 with Retry-After. */
        SOCKERLESS_LOAD_MAX_CONCURRENT("2"),
        /**
         * Blob hosts ({@code myacct.blob.core.windows.net}, comma separated) {@code docker load ?fromBlob=} may read
         * from besides the state storage account's; read with the app's identity.
         */
        SOCKERLESS_LOAD_BLOB_ACCOUNTS(""),
        SOCKERLESS_LOAD_BLOB_CONTAINER("uploads"),
        /** ARM id of the Container Apps environment jobs run in; required to create containers. */
        SOCKERLESS_ACA_ENVIRONMENT_ID(null),
        /** Azure region written into job resources (the environment's); read from the environment when unset. */
        SOCKERLESS_ACA_LOCATION(null),
        /** consumption-only, workload-profiles, or auto (read from the environment): sets the largest job size. */
        SOCKERLESS_ACA_ENVIRONMENT_TYPE("auto"),
        SOCKERLESS_JOB_REPLICA_TIMEOUT_SECONDS("86400"),
        SOCKERLESS_JOB_RETRY_LIMIT("0"),
        /** How jobs get the agent binary: baked, azure-files or init-container. */
        SOCKERLESS_AGENT_MODE("baked"),
        SOCKERLESS_AGENT_IMAGE(null),
        SOCKERLESS_AGENT_STORAGE_NAME(null),
        SOCKERLESS_AGENT_PORT("9111"),
        /**
         * Resource id of the user-assigned identity jobs pull their ACR images with (AcrPull only, never the app's
         * identity); it is not available to the code in the job's containers (identitySettings lifecycle None).
         */
        SOCKERLESS_JOB_IDENTITY(null),
        /**
         * Microsoft Entra audience of the tokens the app's identity uses on ACR (pull and push); the scope is
         * {@code <audience>/.default}. Sovereign clouds set their own.
         */
        SOCKERLESS_ACR_AUDIENCE("https://containerregistry.azure.net"),
        SOCKERLESS_LOG_ANALYTICS_WORKSPACE_ID(null),
        SOCKERLESS_LOG_ANALYTICS_ENDPOINT("https://api.loganalytics.io/v1"),
        /** ARM: https with the app's identity, or plain http on a loopback address (a stand-in) without a credential. */
        SOCKERLESS_ARM_ENDPOINT("https://management.azure.com"),
        /** How long an execution status read from ARM is reused (list, inspect); also the wait's polling interval. */
        SOCKERLESS_ARM_STATUS_CACHE_SECONDS("2"),
        /** The longest wait of one {@code POST /containers/{id}/wait} call before it answers "still running". */
        SOCKERLESS_WAIT_SECONDS("20"),
        SOCKERLESS_LOG_TABLE("auto"),
        SOCKERLESS_LOGS_MAX_RESPONSE_BYTES("33554432"),
        /** Rows per Log Analytics query of a logs read (the SDK converts a page in time quadratic in its rows). */
        SOCKERLESS_LOGS_PAGE_ROWS(String.valueOf(dev.sockerless.aca.logs.LogAnalyticsLogSource.DEFAULT_PAGE_ROWS)),
        /** logs follow=1: how long one long-poll call waits for new lines. */
        SOCKERLESS_FOLLOW_WAIT_SECONDS("20"),
        /** How often the follow poller queries Log Analytics (one query for all followed executions). */
        SOCKERLESS_FOLLOW_POLL_SECONDS("2"),
        /** A container no reader asked about for this long is no longer followed. */
        SOCKERLESS_FOLLOW_IDLE_SECONDS("120"),
        /** How long the poller keeps polling after an execution reached a final state, before the log ends. */
        SOCKERLESS_FOLLOW_GRACE_SECONDS("300"),
        /** How long followed lines stay in the follow cache after the last poll of their container. */
        SOCKERLESS_FOLLOW_RETENTION_SECONDS("86400"),
        /** The ingestion-time overlap of successive polls (late rows inside it are still found, once). */
        SOCKERLESS_FOLLOW_OVERLAP_SECONDS("30");

        private final @Nullable String defaultValue;

        Key(@Nullable String defaultValue) {
            this.defaultValue = defaultValue;
        }

        public Optional<String> defaultValue() {
            return Optional.ofNullable(defaultValue);
        }
    }

    private final Function<String, String> source;

    private Settings(Function<String, String> source) {
        this.source = source;
    }

    /** Settings from system properties, then the environment. */
    public static Settings fromEnvironment() {
        return new Settings(name -> {
            String property = System.getProperty(name);
            return property != null ? property : System.getenv(name);
        });
    }

    /** Settings from a fixed map (tests); keys absent from the map take their defaults. */
    public static Settings of(Map<String, String> values) {
        Map<String, String> copy = new LinkedHashMap<>(values);
        return new Settings(copy::get);
    }

    /** The raw value, or the default, or empty. Blank values count as unset. */
    public Optional<String> find(Key key) {
        return findRaw(key.name()).or(key::defaultValue);
    }

    /**
     * A setting that is not the app's own (the local host's), read with the same precedence; empty when unset or
     * blank.
     */
    public Optional<String> findRaw(String name) {
        String value = source.apply(name);
        return value == null || value.isBlank() ? Optional.empty() : Optional.of(value.trim());
    }

    /** The value, or a configuration error naming the setting. */
    public String require(Key key) {
        return find(key).orElseThrow(() -> missing(key, "is not set"));
    }

    /**
     * The Functions host's identity-based storage setting ({@code AzureWebJobsStorage__accountName}, with
     * {@code __credential=managedidentity} and {@code __clientId}), which a deployment sets instead of a connection
     * string. A host setting, not a {@link Key}: the app reads only the account name from it; the identity is the one
     * {@code DefaultAzureCredential} picks ({@code AZURE_CLIENT_ID} for a user-assigned identity).
     */
    public static final String STORAGE_ACCOUNT_NAME = "AzureWebJobsStorage__accountName";

    /**
     * The storage connection for the state tables: {@code SOCKERLESS_STATE_STORAGE}, else {@code AzureWebJobsStorage},
     * else, for an identity-based host setting {@value #STORAGE_ACCOUNT_NAME}, a connection string naming only the
     * account ({@code DefaultEndpointsProtocol=https;AccountName=<name>;EndpointSuffix=core.windows.net}), which the
     * storage clients read with the app's identity because it carries no key.
     */
    public String stateStorageConnection() {
        return find(Key.SOCKERLESS_STATE_STORAGE)
                .or(() -> find(Key.AzureWebJobsStorage))
                .or(() -> findRaw(STORAGE_ACCOUNT_NAME).map(account -> {
                    if (!account.matches("[a-z0-9]{3,24}")) {
                        throw DockerApiException.system(
                                "configuration: " + STORAGE_ACCOUNT_NAME
                                        + " is not a storage account name (3-24 lowercase letters and digits)",
                                null);
                    }
                    return "DefaultEndpointsProtocol=https;AccountName=" + account + ";EndpointSuffix=core.windows.net";
                }))
                .orElseThrow(() -> missing(
                        Key.AzureWebJobsStorage,
                        "is not set (nor SOCKERLESS_STATE_STORAGE, nor " + STORAGE_ACCOUNT_NAME
                                + "): the state tables need a storage connection"));
    }

    /** Comma-separated list, trimmed, empty entries dropped. */
    public List<String> list(Key key) {
        List<String> out = new ArrayList<>();
        for (String part : find(key).orElse("").split(",", -1)) {
            if (!part.isBlank()) {
                out.add(part.trim());
            }
        }
        return out;
    }

    /** {@code SOCKERLESS_REGISTRY_MIRRORS}: registry name → endpoint URI ({@code docker.io=http://127.0.0.1:5001}). */
    public Map<String, URI> registryMirrors() {
        Map<String, URI> mirrors = new LinkedHashMap<>();
        for (String entry : list(Key.SOCKERLESS_REGISTRY_MIRRORS)) {
            int eq = entry.indexOf('=');
            if (eq <= 0 || eq == entry.length() - 1) {
                throw malformed(Key.SOCKERLESS_REGISTRY_MIRRORS, entry, "expected name=url");
            }
            String name = entry.substring(0, eq).trim().toLowerCase(Locale.ROOT);
            String url = entry.substring(eq + 1).trim();
            URI uri;
            try {
                uri = URI.create(url.endsWith("/") ? url.substring(0, url.length() - 1) : url);
            } catch (IllegalArgumentException e) {
                throw malformed(Key.SOCKERLESS_REGISTRY_MIRRORS, entry, "not a URL");
            }
            if (!("http".equals(uri.getScheme()) || "https".equals(uri.getScheme())) || uri.getHost() == null) {
                throw malformed(
                        Key.SOCKERLESS_REGISTRY_MIRRORS, entry, "the URL must be http:// or https:// with a host");
            }
            if ("index.docker.io".equals(name) || "registry-1.docker.io".equals(name)) {
                name = "docker.io";
            }
            mirrors.put(name, uri);
        }
        return mirrors;
    }

    /** A positive whole number. */
    public long positiveLong(Key key) {
        String raw = require(key);
        try {
            long value = Long.parseLong(raw);
            if (value > 0) {
                return value;
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        throw malformed(key, raw, "must be a positive whole number");
    }

    /** {@code true} or {@code false}. */
    public boolean bool(Key key) {
        String raw = require(key);
        if (raw.equalsIgnoreCase("true") || raw.equalsIgnoreCase("false")) {
            return Boolean.parseBoolean(raw);
        }
        throw malformed(key, raw, "must be true or false");
    }

    /** A positive number of seconds. */
    public Duration seconds(Key key) {
        String raw = require(key);
        try {
            long value = Long.parseLong(raw);
            if (value <= 0) {
                throw malformed(key, raw, "must be a positive number of seconds");
            }
            return Duration.ofSeconds(value);
        } catch (NumberFormatException e) {
            throw malformed(key, raw, "must be a whole number of seconds");
        }
    }

    /** A whole number in {@code [min, max]}. */
    public int integer(Key key, int min, int max) {
        String raw = require(key);
        try {
            int value = Integer.parseInt(raw);
            if (value < min || value > max) {
                throw malformed(key, raw, "must be between " + min + " and " + max);
            }
            return value;
        } catch (NumberFormatException e) {
            throw malformed(key, raw, "must be a whole number");
        }
    }

    /** A configuration error for a missing setting. */
    public static DockerApiException missing(Key key, String why) {
        return DockerApiException.system("configuration: " + key.name() + " " + why, null);
    }

    /** A configuration error for a malformed setting. */
    public static DockerApiException malformed(Key key, String value, @Nullable String why) {
        return DockerApiException.system(
                "configuration: " + key.name() + " has a malformed entry '" + value + "': " + why, null);
    }
}
