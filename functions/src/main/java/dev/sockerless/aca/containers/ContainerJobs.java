package dev.sockerless.aca.containers;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.sockerless.aca.agent.AgentSettings;
import dev.sockerless.aca.agent.JobResource;
import dev.sockerless.aca.agent.JobSettings;
import dev.sockerless.aca.agent.JobSpec;
import dev.sockerless.aca.agent.JobTemplateGenerator;
import dev.sockerless.aca.config.Settings;
import dev.sockerless.aca.errors.DockerApiException;

import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.Map;

/** The ACA job of a container: its {@link JobSpec} from the stored configs, and the generated resource. */
public final class ContainerJobs {

    static final ObjectMapper MAPPER = new ObjectMapper();

    private final Settings settings;

    public ContainerJobs(Settings settings) {
        this.settings = settings;
    }

    /** The job resource with the current settings (a missing setting is a configuration error naming it). */
    public JobResource job(ContainerRecord container) {
        return new JobTemplateGenerator(JobSettings.from(settings)).generate(spec(container));
    }

    /** The agent port new containers get. */
    public int agentPort() {
        return AgentSettings.from(settings).port();
    }

    public static JobSpec spec(ContainerRecord c) {
        JsonNode config = json(c.config());
        JsonNode host = c.hostConfig() == null ? MAPPER.createObjectNode() : json(c.hostConfig());
        Map<String, String> labels = new LinkedHashMap<>();
        config.path("Labels").fields().forEachRemaining(e -> labels.put(e.getKey(), e.getValue().asText()));
        return new JobSpec(c.jobName(), c.runImage(), ConfigMerge.strings(config.get("Entrypoint")),
                ConfigMerge.strings(config.get("Cmd")), ConfigMerge.strings(config.get("Env")), labels,
                nanoCpus(host), host.path("Memory").asLong(0), c.agentToken(), c.agentPort());
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

    static JsonNode json(String text) {
        try {
            return MAPPER.readTree(text);
        } catch (IOException e) {
            throw DockerApiException.system("stored container config is not JSON", e);
        }
    }
}
