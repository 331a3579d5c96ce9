package dev.sockerless.aca.arm;

import com.azure.core.credential.TokenCredential;
import com.azure.core.http.HttpClient;
import com.azure.core.http.HttpPipeline;
import com.azure.core.http.HttpPipelineBuilder;
import com.azure.core.http.policy.AddDatePolicy;
import com.azure.core.http.policy.RequestIdPolicy;
import com.azure.core.http.policy.RetryOptions;
import com.azure.core.http.policy.RetryPolicy;
import com.azure.core.http.policy.UserAgentPolicy;
import com.azure.core.management.AzureEnvironment;
import com.azure.core.management.profile.AzureProfile;
import com.azure.resourcemanager.appcontainers.ContainerAppsApiManager;
import java.util.HashMap;
import java.util.Map;
import java.util.Objects;
import java.util.function.Supplier;
import org.jspecify.annotations.Nullable;

/**
 * {@link ContainerAppsApiManager}s for one subscription at an {@link ArmEndpoint}: over https with the app's
 * identity (the SDK's pipeline, bearer token for {@code <endpoint>/.default}); over plain http on loopback with a
 * pipeline that has no authentication policy, so no credential is requested or sent (azure-core
 * {@code BearerTokenAuthenticationPolicy} is what asks for one).
 */
public final class ArmManagers {

    static final String USER_AGENT = "sockerless-aca";

    private ArmManagers() {}

    /**
     * The Container Apps manager for {@code subscription} at the ARM {@code endpoint}.
     *
     * @param credential the app's identity, asked for only with an https endpoint
     * @param httpClient the HTTP client, or null for the SDK's default
     * @param retries    retry options, or null for the SDK's ({@code Retry-After}-aware exponential)
     */
    public static ContainerAppsApiManager containerApps(
            ArmEndpoint endpoint,
            String subscription,
            Supplier<TokenCredential> credential,
            @Nullable HttpClient httpClient,
            @Nullable RetryOptions retries) {
        Objects.requireNonNull(endpoint, "endpoint");
        Map<String, String> endpoints = new HashMap<>(AzureEnvironment.AZURE.getEndpoints());
        endpoints.put("resourceManagerEndpointUrl", endpoint.base() + "/");
        AzureProfile profile = new AzureProfile(null, subscription, new AzureEnvironment(endpoints));
        if (endpoint.plain()) {
            HttpPipeline pipeline = new HttpPipelineBuilder()
                    .httpClient(httpClient != null ? httpClient : HttpClient.createDefault())
                    .policies(
                            new UserAgentPolicy(USER_AGENT),
                            new RequestIdPolicy(),
                            new AddDatePolicy(),
                            retries == null
                                    ? new RetryPolicy("Retry-After", java.time.temporal.ChronoUnit.SECONDS)
                                    : new RetryPolicy(retries))
                    .build();
            return ContainerAppsApiManager.authenticate(pipeline, profile);
        }
        ContainerAppsApiManager.Configurable configurable =
                ContainerAppsApiManager.configure().withScope(endpoint.scope());
        if (httpClient != null) {
            configurable.withHttpClient(httpClient);
        }
        if (retries != null) {
            configurable.withRetryOptions(retries);
        }
        return configurable.authenticate(Objects.requireNonNull(credential.get(), "credential"), profile);
    }
}
