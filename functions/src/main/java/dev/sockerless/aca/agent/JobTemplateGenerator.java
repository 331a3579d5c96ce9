package dev.sockerless.aca.agent;

import com.azure.json.JsonProviders;
import com.azure.json.JsonWriter;
import com.azure.resourcemanager.appcontainers.models.Container;
import com.azure.resourcemanager.appcontainers.models.ContainerResources;
import com.azure.resourcemanager.appcontainers.models.EnvironmentVar;
import com.azure.resourcemanager.appcontainers.models.JobConfiguration;
import com.azure.resourcemanager.appcontainers.models.JobConfigurationManualTriggerConfig;
import com.azure.resourcemanager.appcontainers.models.JobTemplate;
import com.azure.resourcemanager.appcontainers.models.ManagedServiceIdentity;
import com.azure.resourcemanager.appcontainers.models.ManagedServiceIdentityType;
import com.azure.resourcemanager.appcontainers.models.RegistryCredentials;
import com.azure.resourcemanager.appcontainers.models.Secret;
import com.azure.resourcemanager.appcontainers.models.TriggerType;
import com.azure.resourcemanager.appcontainers.models.UserAssignedIdentity;

import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Writes the ACA job for a container: a pure function of the {@link JobSpec} and the {@link JobSettings}, in the
 * shape of an ARM template resource ({@code type}, {@code apiVersion}, {@code name}, {@code location}, {@code
 * identity}, {@code properties}), with the SDK models serialising themselves (aca-log-analytics.md §8,
 * azure-java-stack.md §4).
 */
public final class JobTemplateGenerator {

    public static final String TYPE = "Microsoft.App/jobs";
    public static final String API_VERSION = "2025-01-01";
    public static final String SYSTEM_IDENTITY = "system";

    private final JobSettings settings;

    public JobTemplateGenerator(JobSettings settings) {
        this.settings = settings;
    }

    public JobResource generate(JobSpec spec) {
        if (!JobNames.isValid(spec.jobName())) {
            throw new IllegalArgumentException("not an ACA job name: " + spec.jobName());
        }
        List<String> warnings = new ArrayList<>();
        AcaResources resources = AcaResources.fit(spec.nanoCpus(), spec.memoryBytes());
        resources.warning().ifPresent(warnings::add);
        AgentSettings agent = settings.agent();
        JobTemplate template = template(spec, agent, resources);
        JobConfiguration configuration = configuration(spec, agent, warnings);
        StringWriter out = new StringWriter();
        try (JsonWriter w = JsonProviders.createWriter(out)) {
            w.writeStartObject();
            w.writeStringField("type", TYPE);
            w.writeStringField("apiVersion", API_VERSION);
            w.writeStringField("name", spec.jobName());
            if (settings.location() != null) {
                w.writeStringField("location", settings.location());
            }
            if (configuration.registries() != null && settings.acrIdentity() != null) {
                w.writeJsonField("identity", identity(settings.acrIdentity()));
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
        Container main = new Container().withName(spec.jobName()).withImage(spec.image())
                .withCommand(AgentInjection.command(agent.mode(), spec.argv(), keepAlive))
                .withEnv(env(spec.env(), spec.agentPort()))
                .withResources(resources(resources));
        AgentInjection.mount(agent).ifPresent(m -> main.withVolumeMounts(List.of(m)));
        JobTemplate template = new JobTemplate().withContainers(List.of(main));
        AgentInjection.initContainer(agent, resources).ifPresent(i -> template.withInitContainers(List.of(i)));
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
            addIfAcr(acrServers, agent.image());
        }
        List<RegistryCredentials> registries = new ArrayList<>();
        if (settings.acrIdentity() == null) {
            for (String server : acrServers) {
                warnings.add("Images from " + server + " are pulled anonymously: set SOCKERLESS_ACR_IDENTITY to a"
                        + " managed identity with AcrPull on that registry");
            }
        } else {
            for (String server : acrServers) {
                registries.add(new RegistryCredentials().withServer(server).withIdentity(settings.acrIdentity()));
            }
        }
        return new JobConfiguration()
                .withTriggerType(TriggerType.MANUAL)
                .withReplicaTimeout(settings.replicaTimeoutSeconds())
                .withReplicaRetryLimit(settings.retryLimit())
                .withManualTriggerConfig(new JobConfigurationManualTriggerConfig().withParallelism(1)
                        .withReplicaCompletionCount(1))
                .withSecrets(List.of(new Secret().withName(AgentInjection.TOKEN_SECRET).withValue(spec.agentToken())))
                .withRegistries(registries.isEmpty() ? null : registries);
    }

    private static void addIfAcr(Set<String> servers, String image) {
        int slash = image.indexOf('/');
        if (slash > 0) {
            String host = image.substring(0, slash).toLowerCase();
            if (host.endsWith(".azurecr.io")) {
                servers.add(host);
            }
        }
    }

    private static ManagedServiceIdentity identity(String acrIdentity) {
        if (SYSTEM_IDENTITY.equals(acrIdentity)) {
            return new ManagedServiceIdentity().withType(ManagedServiceIdentityType.SYSTEM_ASSIGNED);
        }
        return new ManagedServiceIdentity().withType(ManagedServiceIdentityType.USER_ASSIGNED)
                .withUserAssignedIdentities(Map.of(acrIdentity, new UserAssignedIdentity()));
    }

    static ContainerResources resources(AcaResources resources) {
        return new ContainerResources().withCpu(resources.cpu()).withMemory(resources.memory());
    }
}
