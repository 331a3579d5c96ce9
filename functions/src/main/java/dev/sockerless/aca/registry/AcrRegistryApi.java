package dev.sockerless.aca.registry;

import com.azure.containers.containerregistry.ContainerRegistryContentClient;
import com.azure.containers.containerregistry.ContainerRegistryContentClientBuilder;
import com.azure.containers.containerregistry.models.ContainerRegistryAudience;
import com.azure.containers.containerregistry.models.GetManifestResult;
import com.azure.core.credential.TokenCredential;
import com.azure.core.exception.ClientAuthenticationException;
import com.azure.core.exception.HttpResponseException;
import com.azure.core.http.HttpClient;
import com.azure.core.http.policy.ExponentialBackoffOptions;
import com.azure.core.http.policy.RetryOptions;
import dev.sockerless.aca.io.Capped;
import java.io.ByteArrayOutputStream;
import java.nio.channels.Channels;
import java.time.Duration;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * An Azure Container Registry repository reached with the app's managed identity through
 * {@code azure-containers-containerregistry}, which performs ACR's Entra ID token exchange
 * ({@code /oauth2/exchange}). Used for {@code *.azurecr.io} when the caller sent no user name and password.
 */
public final class AcrRegistryApi implements RegistryApi {

    /** A bounded retry budget: the SDK's default retries a refused token exchange for over a minute. */
    public static final RetryOptions RETRIES = new RetryOptions(new ExponentialBackoffOptions()
            .setMaxRetries(2)
            .setBaseDelay(Duration.ofMillis(200))
            .setMaxDelay(Duration.ofSeconds(2)));

    private final ContainerRegistryContentClient client;

    public AcrRegistryApi(ContainerRegistryContentClient client) {
        this.client = client;
    }

    /**
     * A content client for {@code https://<registry>} and {@code repository}, authenticating with {@code credential}
     * for {@code audience}.
     *
     * <p>How azure-containers-containerregistry 1.2.6 turns the audience into the Entra scope (source jar,
     * {@code com/azure/containers/containerregistry/implementation/authentication/ContainerRegistryRefreshTokenCredential.java}):
     * {@code new TokenRequestContext().addScopes(audience + "/.default")}, the token then exchanged at
     * {@code /oauth2/exchange}. Without {@code audience(...)} the builder falls back to
     * {@code https://containerregistry.azure.net} ({@code implementation/UtilsImpl.java},
     * {@code ACR_ACCESS_TOKEN_AUDIENCE}); the SDK's {@code ContainerRegistryAudience} constants are all ARM
     * audiences ({@code AZURE_RESOURCE_MANAGER_PUBLIC_CLOUD} = {@code https://management.azure.com}), which a
     * registry with ARM-audience authentication disabled refuses. So the audience is always set, from
     * {@code SOCKERLESS_ACR_AUDIENCE}.
     *
     * @param httpClient the HTTP client, or null for the SDK's default
     */
    public static ContainerRegistryContentClient client(
            String registry,
            String repository,
            TokenCredential credential,
            AcrAudience audience,
            @Nullable HttpClient httpClient) {
        return new ContainerRegistryContentClientBuilder()
                .endpoint("https://" + registry)
                .repositoryName(repository)
                .credential(credential)
                .audience(ContainerRegistryAudience.fromString(audience.uri()))
                .retryOptions(RETRIES)
                .httpClient(httpClient)
                .buildClient();
    }

    /** The SDK has no manifest HEAD: the puller then GETs the tag, which is one request too. */
    @Override
    public Optional<ManifestHead> head(String reference) {
        return Optional.empty();
    }

    @Override
    public FetchedManifest manifest(String reference) {
        GetManifestResult result = call("fetch manifest", () -> client.getManifest(reference));
        byte[] bytes = result.getManifest().toBytes();
        Digest computed = Digest.of(bytes);
        if (Digest.isDigest(reference) && !computed.equals(Digest.parse(reference))) {
            throw RegistryException.badContent(
                    "fetch manifest", endpoint(), "manifest verification failed for digest " + reference);
        }
        String served = result.getManifestMediaType() == null
                ? null
                : result.getManifestMediaType().toString();
        return new FetchedManifest(bytes, Manifests.mediaTypeOf(bytes, served), computed);
    }

    @Override
    public byte[] blob(Descriptor descriptor, long maxBytes) {
        if (descriptor.size() > maxBytes) {
            throw RegistryException.badContent(
                    "fetch blob",
                    endpoint(),
                    "blob " + descriptor.digest() + " is " + descriptor.size() + " bytes, over the limit of "
                            + maxBytes);
        }
        ByteArrayOutputStream sink = new ByteArrayOutputStream();
        call("fetch blob", () -> {
            client.downloadStream(
                    descriptor.digest().toString(), Channels.newChannel(Capped.output(sink, descriptor.size())));
            return null;
        });
        byte[] bytes = sink.toByteArray();
        if (bytes.length != descriptor.size() || !Digest.of(bytes).equals(descriptor.digest())) {
            throw RegistryException.badContent(
                    "fetch blob", endpoint(), "blob verification failed for " + descriptor.digest());
        }
        return bytes;
    }

    private java.net.URI endpoint() {
        return java.net.URI.create(client.getEndpoint());
    }

    private <T> T call(String what, java.util.function.Supplier<T> action) {
        try {
            return action.get();
        } catch (ClientAuthenticationException e) {
            throw RegistryException.of(
                    RegistryException.Failure.UNAUTHORIZED,
                    what,
                    endpoint(),
                    "unauthorized: " + firstLine(e.getMessage()),
                    e);
        } catch (HttpResponseException e) {
            int status = e.getResponse() == null ? 500 : e.getResponse().getStatusCode();
            byte[] body = e.getResponse() == null
                    ? new byte[0]
                    : Optional.ofNullable(e.getResponse().getBodyAsBinaryData())
                            .map(b -> b.toBytes())
                            .orElse(new byte[0]);
            if (status == 404 && RegistryErrors.parse(body).isEmpty()) {
                // The SDK consumes the error body; a 404 from the data plane is an unknown manifest or blob.
                throw RegistryException.response(
                        what,
                        endpoint(),
                        status,
                        java.util.List.of(
                                new RegistryException.Diagnostic("MANIFEST_UNKNOWN", firstLine(e.getMessage()), "")),
                        "");
            }
            throw RegistryErrors.response(what, endpoint(), status, body);
        } catch (RegistryException e) {
            throw e;
        } catch (RuntimeException e) {
            for (Throwable t = e; t != null; t = t.getCause() == t ? null : t.getCause()) {
                if (t instanceof Capped.Exceeded) {
                    throw RegistryException.badContent(what, endpoint(), "blob is larger than its descriptor says");
                }
            }
            throw RegistryException.unreachable(
                    what,
                    endpoint(),
                    "cannot reach registry " + client.getEndpoint() + ": " + firstLine(e.getMessage()),
                    e);
        }
    }

    private static String firstLine(@Nullable String message) {
        return message == null ? "no detail" : message.lines().findFirst().orElse("no detail");
    }
}
