package dev.sockerless.aca.registry;

import com.azure.containers.containerregistry.ContainerRegistryContentClient;
import com.azure.core.credential.TokenCredential;
import com.azure.identity.DefaultAzureCredentialBuilder;
import java.net.URI;
import java.time.Clock;
import java.util.function.Function;
import java.util.function.Supplier;
import org.jspecify.annotations.Nullable;

/**
 * Hands out a {@link RegistryApi} for a repository and the caller's credentials, sharing one transport, one token
 * cache and the learnt challenges between requests.
 */
public final class Registries {

    private final RegistryTransport transport;
    private final RegistryEndpoints endpoints;
    private final TokenCache tokens;
    private final BoundedCache<URI, AuthChallenge> challenges = OciRegistryClient.challengeCache();

    private final Supplier<TokenCredential> entraCredential;
    private final AcrAudience acrAudience;
    private final Function<ImageReference, ContainerRegistryContentClient> acrClients;

    /** As {@link #Registries(RegistryTransport, RegistryEndpoints, Clock, AcrAudience)} in the public cloud. */
    public Registries(RegistryTransport transport, RegistryEndpoints endpoints, Clock clock) {
        this(transport, endpoints, clock, AcrAudience.PUBLIC_CLOUD);
    }

    /**
     * Registries acting for the app with {@code DefaultAzureCredential} (the managed identity on Azure) where ACR is
     * reached without the caller's credentials, with Entra tokens for {@code acrAudience}; the credential is built
     * on first use.
     */
    public Registries(RegistryTransport transport, RegistryEndpoints endpoints, Clock clock, AcrAudience acrAudience) {
        this(transport, endpoints, clock, new Memo<>(() -> new DefaultAzureCredentialBuilder().build()), acrAudience);
    }

    public Registries(
            RegistryTransport transport,
            RegistryEndpoints endpoints,
            Clock clock,
            Supplier<TokenCredential> entraCredential,
            AcrAudience acrAudience) {
        this(
                transport,
                endpoints,
                clock,
                entraCredential,
                acrAudience,
                ref -> AcrRegistryApi.client(
                        ref.registry(), ref.repository(), entraCredential.get(), acrAudience, null));
    }

    public Registries(
            RegistryTransport transport,
            RegistryEndpoints endpoints,
            Clock clock,
            Supplier<TokenCredential> entraCredential,
            AcrAudience acrAudience,
            Function<ImageReference, ContainerRegistryContentClient> acrClients) {
        this.transport = transport;
        this.endpoints = endpoints;
        this.tokens = new TokenCache(clock);
        this.entraCredential = entraCredential;
        this.acrAudience = acrAudience;
        this.acrClients = acrClients;
    }

    /** A value built once, on first use (a failed build is retried). */
    private static final class Memo<T> implements Supplier<T> {
        private final Supplier<T> factory;
        private volatile @Nullable T value;

        Memo(Supplier<T> factory) {
            this.factory = factory;
        }

        @Override
        public synchronized T get() {
            T v = value;
            if (v == null) {
                v = factory.get();
                value = v;
            }
            return v;
        }
    }

    /**
     * The registry API for {@code reference}'s repository, acting with {@code credentials}: ACR through the Azure SDK
     * and the app's managed identity when the caller sent no credentials, the project's OCI client otherwise.
     */
    public RegistryApi forRepository(ImageReference reference, RegistryCredentials credentials) {
        if (isAzureContainerRegistry(reference.registry())
                && credentials.isAnonymous()
                && !endpoints.isOperatorTrusted(endpoints.baseFor(reference.registry()))) {
            return new AcrRegistryApi(acrClients.apply(reference));
        }
        return new OciRegistryClient(
                transport,
                endpoints.baseFor(reference.registry()),
                endpoints.isOperatorTrusted(endpoints.baseFor(reference.registry())),
                reference,
                credentials,
                tokens,
                challenges);
    }

    /**
     * The push side of {@code reference}'s repository with {@code credentials}, always through the project's OCI
     * client (token scope {@code pull,push}).
     */
    public RegistryPush forPush(ImageReference reference, RegistryCredentials credentials) {
        RegistryCredentials acting = credentials;
        if (isAzureContainerRegistry(reference.registry()) && credentials.isAnonymous()) {
            // The SDK's content client has no blob HEAD or cross-repository mount, which an idempotent load needs:
            // push to ACR through the OCI client with the app's identity and ACR's token exchange instead.
            acting = new RegistryCredentials.Entra(entraCredential.get(), acrAudience);
        }
        return new OciRegistryPusher(new OciRegistryClient(
                transport,
                endpoints.baseFor(reference.registry()),
                endpoints.isOperatorTrusted(endpoints.baseFor(reference.registry())),
                reference,
                acting,
                tokens,
                challenges));
    }

    /**
     * ACR login servers: {@code <name>.azurecr.io} (public cloud), {@code .azurecr.cn} (Azure China),
     * {@code .azurecr.us} (Azure US Government) — the {@code acr_login_server_endpoint} suffixes of the Azure CLI's
     * clouds (Azure/azure-cli {@code src/azure-cli-core/azure/cli/core/cloud.py}). The Entra audience for the
     * sovereign ones is {@code SOCKERLESS_ACR_AUDIENCE}.
     */
    public static boolean isAzureContainerRegistry(String registry) {
        return registry.toLowerCase(java.util.Locale.ROOT).matches("[a-z0-9]+\\.azurecr\\.(io|cn|us)");
    }
}
