package dev.sockerless.aca.registry;

import com.azure.containers.containerregistry.ContainerRegistryContentClient;
import com.azure.core.credential.TokenCredential;
import com.azure.identity.DefaultAzureCredentialBuilder;

import java.net.URI;
import java.time.Clock;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;

/**
 * Hands out a {@link RegistryApi} for a repository and the caller's credentials, sharing one transport, one token
 * cache and the learnt challenges between requests.
 */
public final class Registries {

    private final RegistryTransport transport;
    private final RegistryEndpoints endpoints;
    private final TokenCache tokens;
    private final ConcurrentMap<URI, AuthChallenge> challenges = new ConcurrentHashMap<>();

    private final java.util.function.Function<ImageReference, ContainerRegistryContentClient> acrClients;

    /** Registries whose ACR clients use {@code DefaultAzureCredential} (the managed identity on Azure), built on first use. */
    public Registries(RegistryTransport transport, RegistryEndpoints endpoints, Clock clock) {
        this(transport, endpoints, clock, new DefaultAcrClients());
    }

    public Registries(RegistryTransport transport, RegistryEndpoints endpoints, Clock clock,
                      java.util.function.Function<ImageReference, ContainerRegistryContentClient> acrClients) {
        this.transport = transport;
        this.endpoints = endpoints;
        this.tokens = new TokenCache(clock);
        this.acrClients = acrClients;
    }

    /** Content clients on one lazily built {@code DefaultAzureCredential}. */
    private static final class DefaultAcrClients implements java.util.function.Function<ImageReference, ContainerRegistryContentClient> {
        private volatile TokenCredential credential;

        @Override
        public ContainerRegistryContentClient apply(ImageReference reference) {
            TokenCredential c = credential;
            if (c == null) {
                synchronized (this) {
                    if (credential == null) {
                        credential = new DefaultAzureCredentialBuilder().build();
                    }
                    c = credential;
                }
            }
            return AcrRegistryApi.client(reference.registry(), reference.repository(), c);
        }
    }

    /**
     * The registry API for {@code reference}'s repository, acting with {@code credentials}: ACR through the Azure SDK
     * and the app's managed identity when the caller sent no credentials, the project's OCI client otherwise.
     */
    public RegistryApi forRepository(ImageReference reference, RegistryCredentials credentials) {
        if (isAzureContainerRegistry(reference.registry()) && credentials.isAnonymous()
                && !endpoints.isOperatorTrusted(endpoints.baseFor(reference.registry()))) {
            return new AcrRegistryApi(acrClients.apply(reference));
        }
        return new OciRegistryClient(transport, endpoints.baseFor(reference.registry()), reference, credentials,
                tokens, challenges);
    }

    /**
     * The push side of {@code reference}'s repository with {@code credentials}, always through the project's OCI
     * client (token scope {@code pull,push}).
     */
    public RegistryPush forPush(ImageReference reference, RegistryCredentials credentials) {
        return new OciRegistryPusher(new OciRegistryClient(transport, endpoints.baseFor(reference.registry()),
                reference, credentials, tokens, challenges));
    }

    /** ACR's public-cloud login servers ({@code <name>.azurecr.io}). */
    static boolean isAzureContainerRegistry(String registry) {
        return registry.toLowerCase(java.util.Locale.ROOT).matches("[a-z0-9]+\\.azurecr\\.io");
    }

}
