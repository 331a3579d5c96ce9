package dev.sockerless.aca.agent;

import com.azure.json.JsonProviders;
import com.azure.json.JsonWriter;
import com.azure.resourcemanager.appcontainers.models.Container;
import com.azure.resourcemanager.appcontainers.models.ContainerResources;
import com.azure.resourcemanager.appcontainers.models.EnvironmentVar;
import com.azure.resourcemanager.appcontainers.models.IdentitySettings;
import com.azure.resourcemanager.appcontainers.models.IdentitySettingsLifeCycle;
import com.azure.resourcemanager.appcontainers.models.JobConfiguration;
import com.azure.resourcemanager.appcontainers.models.JobConfigurationManualTriggerConfig;
import com.azure.resourcemanager.appcontainers.models.JobTemplate;
import com.azure.resourcemanager.appcontainers.models.ManagedServiceIdentity;
import com.azure.resourcemanager.appcontainers.models.ManagedServiceIdentityType;
import com.azure.resourcemanager.appcontainers.models.RegistryCredentials;
import com.azure.resourcemanager.appcontainers.models.Secret;
import com.azure.resourcemanager.appcontainers.models.TriggerType;
import com.azure.resourcemanager.appcontainers.models.UserAssignedIdentity;
import dev.sockerless.aca.registry.Registries;
import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * Writes the ACA job for a container: a pure function of the {@link JobSpec} and the {@link JobSettings}: the body of
 * {@code PUT …/providers/Microsoft.App/jobs/{name}?api-version=2025-01-01} ({@code location}, {@code identity},
 * {@code properties}; {@code type} and {@code name}, read-only there, are kept for readers), with the SDK models
 * serialising themselves (azure-resourcemanager-appcontainers 1.1.0, {@code JsonSerializable}; the body as in
 * Azure/azure-rest-api-specs {@code .../Microsoft.App/stable/2025-01-01/examples/Job_CreateorUpdate.json}).
 * <p>
 * Identity: a job never names the app's identity. When it pulls from ACR, it is assigned only the job identity
 * ({@code SOCKERLESS_JOB_IDENTITY}, AcrPull only), used by {@code configuration.registries[].identity}, and
 * {@code configuration.identitySettings} gives it lifecycle {@code None}: "Not available to any containers. Use this
 * when you have a managed identity that is only used for ACR image pull …" (MicrosoftDocs/azure-docs
 * {@code articles/container-apps/managed-identity.md}, "Control managed identity availability";
 * {@code IdentitySettings} in {@code CommonDefinitions.json} 2025-01-01), so code in the containers gets no token
 * for it.
 */
public final class JobTemplateGenerator {

    public static final String TYPE = "Microsoft.App/jobs";
    /** The api-version the body is written for (the PUT's query parameter). */
    public static final String API_VERSION = "2025-01-01";

    private final JobSettings settings;

    public JobTemplateGenerator(JobSettings settings) {
        this.settings = settings;
    }

    public JobResource generate(JobSpec spec) {
        if (!JobNames.isValid(spec.jobName())) {
            throw new IllegalArgumentException("not an ACA job name: " + spec.jobName());
        }
        List<String> warnings = new ArrayList<>();
        AgentSettings agent = settings.agent();
        AcaResources resources = AcaResources.fit(
                spec.nanoCpus(), spec.memoryBytes(), settings.type(), agent.mode() == AgentMode.INIT_CONTAINER);
        resources.warning().ifPresent(warnings::add);
        JobTemplate template = template(spec, agent, resources);
        JobConfiguration configuration = configuration(spec, agent, warnings);
        StringWriter out = new StringWriter();
        try (JsonWriter w = JsonProviders.createWriter(out)) {
            w.writeStartObject();
            w.writeStringField("type", TYPE);
            w.writeStringField("name", spec.jobName());
            w.writeStringField("location", settings.location());
            if (configuration.registries() != null) {
                w.writeJsonField(
                        "identity",
                        new ManagedServiceIdentity()
                                .withType(ManagedServiceIdentityType.USER_ASSIGNED)
                                .withUserAssignedIdentities(
                                        Map.of(settings.jobIdentity(), new UserAssignedIdentity())));
            }
            w.writeStartObject("properties");
            w.writeStringField("environmentId", settings.environmentId());
            w.writeJsonField("configuration", configuration);
            w.writeJsonField("template", template);
            w.writeEndObject();
            w.writeEndObject();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return new JobResource(spec.jobName(), out.toString(), warnings);
    }

    private JobTemplate template(JobSpec spec, AgentSettings agent, AcaResources resources) {
        boolean keepAlive = AgentInjection.isKeepAlive(spec.argv(), spec.labels());
        Container main = new Container()
                .withName(spec.jobName())
                .withImage(spec.image())
                .withCommand(AgentInjection.command(agent.mode(), spec.argv(), keepAlive))
                .withEnv(env(spec.env(), spec.agentPort()))
                .withResources(resources(resources));
        AgentInjection.mount(agent).ifPresent(m -> main.withVolumeMounts(List.of(m)));
        JobTemplate template = new JobTemplate().withContainers(List.of(main));
        AgentInjection.initContainer(agent).ifPresent(i -> template.withInitContainers(List.of(i)));
        AgentInjection.volume(agent).ifPresent(v -> template.withVolumes(List.of(v)));
        return template;
    }

    /** The merged Env in order, without entries that only name a variable, then the agent's (which win). */
    private static List<EnvironmentVar> env(List<String> dockerEnv, int port) {
        Map<String, EnvironmentVar> byName = new LinkedHashMap<>();
        for (String entry : dockerEnv) {
            int eq = entry.indexOf('=');
            if (eq > 0) {
                String name = entry.substring(0, eq);
                byName.put(name, new EnvironmentVar().withName(name).withValue(entry.substring(eq + 1)));
            }
        }
        for (EnvironmentVar v : AgentInjection.env(port)) {
            byName.remove(v.name());
            byName.put(v.name(), v);
        }
        return new ArrayList<>(byName.values());
    }

    private JobConfiguration configuration(JobSpec spec, AgentSettings agent, List<String> warnings) {
        Set<String> acrServers = new LinkedHashSet<>();
        addIfAcr(acrServers, spec.image());
        if (agent.mode() == AgentMode.INIT_CONTAINER) {
            addIfAcr(acrServers, Objects.requireNonNull(agent.image())); // required in this mode (AgentSettings)
        }
        List<RegistryCredentials> registries = new ArrayList<>();
        String identity = settings.jobIdentity();
        for (String server : acrServers) {
            if (identity == null) {
                warnings.add("Images from " + server + " are pulled anonymously: set SOCKERLESS_JOB_IDENTITY to a"
                        + " user-assigned identity with AcrPull on that registry");
            } else {
                registries.add(new RegistryCredentials().withServer(server).withIdentity(identity));
            }
        }
        return new JobConfiguration()
                .withTriggerType(TriggerType.MANUAL)
                .withReplicaTimeout(settings.replicaTimeoutSeconds())
                .withReplicaRetryLimit(settings.retryLimit())
                .withManualTriggerConfig(new JobConfigurationManualTriggerConfig()
                        .withParallelism(1)
                        .withReplicaCompletionCount(1))
                .withSecrets(List.of(
                        new Secret().withName(AgentInjection.TOKEN_SECRET).withValue(spec.agentToken())))
                .withRegistries(registries.isEmpty() ? null : registries)
                .withIdentitySettings(
                        registries.isEmpty()
                                ? null
                                : List.of(new IdentitySettings()
                                        .withIdentity(identity)
                                        .withLifecycle(IdentitySettingsLifeCycle.NONE)));
    }

    private static void addIfAcr(Set<String> servers, String image) {
        int slash = image.indexOf('/');
        if (slash > 0) {
            String host = image.substring(0, slash).toLowerCase(java.util.Locale.ROOT);
            if (Registries.isAzureContainerRegistry(host)) {
                servers.add(host);
            }
        }
    }

    static ContainerResources resources(AcaResources resources) {
        return new ContainerResources().withCpu(resources.cpu()).withMemory(resources.memory());
    }
}
