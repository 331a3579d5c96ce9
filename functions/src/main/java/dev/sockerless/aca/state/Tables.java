package dev.sockerless.aca.state;

import com.azure.core.http.policy.ExponentialBackoffOptions;
import com.azure.core.http.policy.RetryOptions;
import com.azure.data.tables.TableClient;
import com.azure.data.tables.TableServiceClient;
import com.azure.data.tables.TableServiceClientBuilder;
import com.azure.data.tables.models.TableEntity;
import com.azure.data.tables.models.TableServiceException;
import com.azure.identity.DefaultAzureCredentialBuilder;
import dev.sockerless.aca.errors.DockerApiException;
import java.time.Duration;
import java.util.Optional;
import java.util.function.Supplier;
import org.jspecify.annotations.Nullable;

/** Table Storage helpers shared by the stores: client creation, point reads, and error translation. */
public final class Tables {

    private Tables() {}

    /** The default of {@code SOCKERLESS_STATE_TIMEOUT_SECONDS}. */
    public static final Duration DEFAULT_DEADLINE = Duration.ofSeconds(10);

    /** A service client with the {@linkplain #DEFAULT_DEADLINE default deadline}. */
    public static TableServiceClient serviceClient(String connectionString) {
        return serviceClient(connectionString, DEFAULT_DEADLINE);
    }

    /**
     * A service client for a storage connection string (Azurite's or an account's). A string with neither an account
     * key nor a SAS ({@code AccountName=...} only, as {@code Settings.stateStorageConnection()} builds for an
     * identity-based {@code AzureWebJobsStorage__accountName}) is read with {@code DefaultAzureCredential}.
     *
     * <p>Every call gets {@code deadline}, tries and back-off included ({@link StorageDeadlinePolicy}). Each try's
     * connect, write, response and read timeouts are the deadline too, so an abandoned exchange or a body that stops
     * arriving mid-way also ends within it, and at most 2 quick retries (0.2 s, up to 1 s) fit in it after a fast
     * failure.
     */
    public static TableServiceClient serviceClient(String connectionString, Duration deadline) {
        RetryOptions retries = new RetryOptions(new ExponentialBackoffOptions()
                .setMaxRetries(2)
                .setBaseDelay(Duration.ofMillis(200))
                .setMaxDelay(Duration.ofSeconds(1)));
        try {
            TableServiceClientBuilder builder = new TableServiceClientBuilder()
                    .httpClient(StorageDeadlinePolicy.httpClient(deadline))
                    .retryOptions(retries)
                    .addPolicy(new StorageDeadlinePolicy(StorageDeadlinePolicy.STATE, deadline));
            Optional<String> identityEndpoint = identityEndpoint(connectionString);
            if (identityEndpoint.isPresent()) {
                return builder.endpoint(identityEndpoint.get())
                        .credential(new DefaultAzureCredentialBuilder().build())
                        .buildClient();
            }
            return builder.connectionString(connectionString).buildClient();
        } catch (IllegalArgumentException e) {
            // Never echo the connection string: it may hold an account key.
            throw DockerApiException.system("configuration: the storage connection string is malformed", null);
        }
    }

    /**
     * The table endpoint of a connection string that carries no secret ({@code TableEndpoint}, else
     * {@code DefaultEndpointsProtocol://AccountName.table.EndpointSuffix}); empty when it has an {@code AccountKey}, a
     * {@code SharedAccessSignature} or is {@code UseDevelopmentStorage=true}.
     */
    static Optional<String> identityEndpoint(String connectionString) {
        java.util.Map<String, String> parts = new java.util.TreeMap<>(String.CASE_INSENSITIVE_ORDER);
        for (String part : connectionString == null ? new String[0] : connectionString.split(";")) {
            int eq = part.indexOf('=');
            if (eq > 0) {
                parts.put(part.substring(0, eq).trim(), part.substring(eq + 1).trim());
            }
        }
        if (parts.containsKey("AccountKey")
                || parts.containsKey("SharedAccessSignature")
                || parts.containsKey("UseDevelopmentStorage")) {
            return Optional.empty();
        }
        String explicit = parts.get("TableEndpoint");
        if (explicit != null && !explicit.isBlank()) {
            return Optional.of(explicit);
        }
        String account = parts.get("AccountName");
        if (account == null || account.isBlank()) {
            return Optional.empty(); // the builder reports the malformed string
        }
        String protocol = parts.getOrDefault("DefaultEndpointsProtocol", "https");
        String suffix = parts.getOrDefault("EndpointSuffix", "core.windows.net");
        return Optional.of(protocol + "://" + account + ".table." + suffix);
    }

    /** The table, created when missing. */
    public static TableClient ensure(TableServiceClient service, String name) {
        return call(() -> {
            service.createTableIfNotExists(name);
            return service.getTableClient(name);
        });
    }

    static Optional<TableEntity> get(TableClient table, String partition, String row) {
        return get(table, partition, row, null);
    }

    /** A point read of the entity, or of only the properties {@code select} names (null: all). */
    static Optional<TableEntity> get(
            TableClient table, String partition, String row, java.util.@Nullable List<String> select) {
        try {
            return Optional.of(
                    table.getEntityWithResponse(partition, row, select, null, com.azure.core.util.Context.NONE)
                            .getValue());
        } catch (TableServiceException e) {
            if (e.getResponse() != null && e.getResponse().getStatusCode() == 404) {
                return Optional.empty();
            }
            throw unavailable(e);
        } catch (RuntimeException e) {
            throw unavailable(e);
        }
    }

    /**
     * A string literal of an OData filter: quoted, with every {@code '} doubled, the only escape OData string
     * literals have. Every value in a filter of the state tables goes through it, constants included, so no stored
     * or requested value can change a filter's meaning.
     */
    static String literal(String value) {
        return "'" + value.replace("'", "''") + "'";
    }

    static void call(Runnable action) {
        call(() -> {
            action.run();
            return null;
        });
    }

    static <T> T call(Supplier<T> action) {
        try {
            return action.get();
        } catch (DockerApiException e) {
            throw e;
        } catch (RuntimeException e) {
            throw unavailable(e);
        }
    }

    /** Error codes of an entity or request over the service's size limits (1 MiB entity, 64 KiB property). */
    private static final java.util.Set<String> TOO_LARGE =
            java.util.Set.of("EntityTooLarge", "PropertyValueTooLarge", "RequestBodyTooLarge");

    /**
     * A failed storage call as the app's error: a deadline already passed through as it is; an entity or property
     * over the service's limits is the request's fault (400), not the storage being unavailable; anything else is
     * 503 naming the state storage.
     */
    static DockerApiException unavailable(RuntimeException e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof DockerApiException d) {
                return d;
            }
        }
        if (e instanceof TableServiceException t) {
            int statusCode = t.getResponse() == null ? 0 : t.getResponse().getStatusCode();
            String code = t.getValue() == null || t.getValue().getErrorCode() == null
                    ? ""
                    : t.getValue().getErrorCode().toString();
            if (statusCode == 413 || TOO_LARGE.contains(code)) {
                return DockerApiException.invalid("the record is too large for the " + StorageDeadlinePolicy.STATE
                        + " (entities are limited to 1 MiB, text properties to 32 K characters): "
                        + (code.isEmpty() ? "status " + statusCode : code));
            }
        }
        String status = e instanceof TableServiceException t && t.getResponse() != null
                ? " (status " + t.getResponse().getStatusCode() + ")"
                : "";
        return DockerApiException.unavailable(
                StorageDeadlinePolicy.STATE + " is unavailable" + status + ": " + firstLine(e.getMessage()), e);
    }

    private static String firstLine(@Nullable String message) {
        return message == null ? "no detail" : message.lines().findFirst().orElse("no detail");
    }
}
