package dev.sockerless.aca.containers;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.sockerless.aca.agent.AgentSettings;
import dev.sockerless.aca.agent.JobEnvironment;
import dev.sockerless.aca.agent.JobResource;
import dev.sockerless.aca.agent.JobSettings;
import dev.sockerless.aca.agent.JobSpec;
import dev.sockerless.aca.agent.JobTemplateGenerator;
import dev.sockerless.aca.config.Settings;
import dev.sockerless.aca.errors.DockerApiException;
import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Supplier;
import org.jspecify.annotations.Nullable;

/** The ACA job of a container: its {@link JobSpec} from the stored configs, and the generated resource. */
public final class ContainerJobs {

    static final ObjectMapper MAPPER = new ObjectMapper();

    private final Settings settings;
    private final Supplier<JobEnvironment> environment;

    /** Without an environment reader: {@code SOCKERLESS_ACA_LOCATION} and the environment type must be set. */
    public ContainerJobs(Settings settings) {
        this(settings, () -> {
            throw Settings.missing(
                    Settings.Key.SOCKERLESS_ACA_LOCATION,
                    "is not set (or " + Settings.Key.SOCKERLESS_ACA_ENVIRONMENT_TYPE
                            + " is auto) and the Container Apps environment cannot be read here: set "
                            + Settings.Key.SOCKERLESS_ACA_LOCATION + " and "
                            + Settings.Key.SOCKERLESS_ACA_ENVIRONMENT_TYPE);
        });
    }

    /**
     * @param environment reads what the settings leave open from the environment (through ARM, once, in the app);
     *                    asked only when {@code SOCKERLESS_ACA_LOCATION} is unset or the type is {@code auto}
     */
    public ContainerJobs(Settings settings, Supplier<JobEnvironment> environment) {
        this.settings = settings;
        this.environment = environment;
    }

    /** The job resource with the current settings (a missing setting is a configuration error naming it). */
    public JobResource job(ContainerRecord container) {
        return new JobTemplateGenerator(JobSettings.from(settings, environment)).generate(spec(container));
    }

    /** The agent port new containers get. */
    public int agentPort() {
        return AgentSettings.from(settings).port();
    }

    public static JobSpec spec(ContainerRecord c) {
        JsonNode config = json(c.config());
        JsonNode host = c.hostConfig() == null ? MAPPER.createObjectNode() : json(c.hostConfig());
        Map<String, String> labels = new LinkedHashMap<>();
        config.path("Labels")
                .properties()
                .forEach(e -> labels.put(e.getKey(), e.getValue().asText()));
        return new JobSpec(
                c.jobName(),
                c.runImage(),
                ConfigMerge.strings(config.get("Entrypoint")),
                ConfigMerge.strings(config.get("Cmd")),
                ConfigMerge.strings(config.get("Env")),
                labels,
                nanoCpus(host),
                host.path("Memory").asLong(0),
                c.agentToken(),
                c.agentPort());
    }

    /** Whether the container was created with {@code HostConfig.AutoRemove} ({@code docker run --rm}). */
    public static boolean autoRemove(ContainerRecord c) {
        return c.hostConfig() != null && json(c.hostConfig()).path("AutoRemove").asBoolean(false);
    }

    /** {@code NanoCpus}, else {@code CpuQuota}/{@code CpuPeriod} (period defaults to 100ms as in the kernel). */
    static long nanoCpus(JsonNode host) {
        long nano = host.path("NanoCpus").asLong(0);
        if (nano > 0) {
            return nano;
        }
        long quota = host.path("CpuQuota").asLong(0);
        long period = host.path("CpuPeriod").asLong(0);
        return quota > 0 ? quota * 1_000_000_000L / (period > 0 ? period : 100_000L) : 0;
    }

    static JsonNode json(@Nullable String text) {
        try {
            return MAPPER.readTree(text);
        } catch (IOException e) {
            throw DockerApiException.system("stored container config is not JSON", e);
        }
    }
}
