package dev.sockerless.aca.docker;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.sockerless.aca.containers.ContainerRecord;
import dev.sockerless.aca.images.ImageStore;
import dev.sockerless.aca.lifecycle.ContainerLifecycle;
import dev.sockerless.aca.registry.Digest;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.List;
import java.util.Locale;
import java.util.function.Supplier;

/**
 * {@code GET /info}: Docker's {@code system.Info} with the fields clients read. Counts come from the container and
 * image tables (container states from ARM, cached); NCPU and MemTotal are the largest a job gets on the Consumption
 * workload profile (4 vCPU, 8 GiB).
 */
public final class InfoHandler {

    static final int NCPU = 4;
    static final long MEM_TOTAL = 8L << 30;

    private final ContainerLifecycle lifecycle;
    private final ImageStore images;
    private final Supplier<String> environment;
    private final Clock clock;

    /** @param environment the Container Apps environment's ARM id (its name names this server), asked for lazily */
    public InfoHandler(ContainerLifecycle lifecycle, ImageStore images, Supplier<String> environment, Clock clock) {
        this.lifecycle = lifecycle;
        this.images = images;
        this.environment = environment;
        this.clock = clock;
    }

    public ApiResponse info(ApiRequest request) {
        List<ContainerRecord> containers = lifecycle.list();
        long running = containers.stream()
                .filter(c -> ContainerList.state(c).equals("running"))
                .count();
        String env = environment.get();
        String name = env == null ? "sockerless-aca" : env.substring(env.lastIndexOf('/') + 1);
        String id = Digest.of(("sockerless-aca " + (env == null ? "" : env.toLowerCase(Locale.ROOT)))
                        .getBytes(StandardCharsets.UTF_8))
                .hex()
                .substring(0, 12)
                .toUpperCase(Locale.ROOT);
        ObjectNode out = ApiResponse.MAPPER.createObjectNode();
        out.put("ID", id.substring(0, 4) + ":" + id.substring(4, 8) + ":" + id.substring(8, 12));
        out.put("Containers", containers.size());
        out.put("ContainersRunning", running);
        out.put("ContainersPaused", 0);
        out.put("ContainersStopped", containers.size() - running);
        out.put("Images", images.listSummaries().size()); // no configs read
        out.put("Driver", "aca-jobs");
        out.putArray("DriverStatus").addArray().add("Backend").add("Azure Container Apps jobs");
        ObjectNode plugins = out.putObject("Plugins");
        plugins.putArray("Volume");
        plugins.putArray("Network");
        plugins.putNull("Authorization");
        plugins.putArray("Log");
        out.put("MemoryLimit", true);
        out.put("SwapLimit", false);
        out.put("CpuCfsPeriod", false);
        out.put("CpuCfsQuota", false);
        out.put("CPUShares", false);
        out.put("CPUSet", false);
        out.put("PidsLimit", false);
        out.put("IPv4Forwarding", false);
        out.put("Debug", false);
        out.put("NFd", 0);
        out.put("OomKillDisable", false);
        out.put("NGoroutines", 0);
        out.put("SystemTime", ImageJson.formatInstant(clock.instant()));
        out.put("LoggingDriver", "azure-log-analytics");
        out.put("CgroupDriver", "none");
        out.put("CgroupVersion", "2");
        out.put("NEventsListener", 0);
        out.put("KernelVersion", "");
        out.put("OperatingSystem", "Azure Container Apps (jobs)");
        out.put("OSVersion", "");
        out.put("OSType", "linux");
        out.put("Architecture", "x86_64");
        out.put("IndexServerAddress", "https://index.docker.io/v1/");
        ObjectNode registry = out.putObject("RegistryConfig");
        registry.putArray("InsecureRegistryCIDRs");
        registry.putObject("IndexConfigs");
        registry.putArray("Mirrors");
        out.putNull("GenericResources");
        out.put("NCPU", NCPU);
        out.put("MemTotal", MEM_TOTAL);
        out.put("DockerRootDir", "");
        out.put("HttpProxy", "");
        out.put("HttpsProxy", "");
        out.put("NoProxy", "");
        out.put("Name", name);
        out.putArray("Labels");
        out.put("ExperimentalBuild", false);
        out.put("ServerVersion", SystemHandlers.SERVER_VERSION);
        out.putObject("Runtimes");
        out.put("DefaultRuntime", "aca");
        ObjectNode swarm = out.putObject("Swarm");
        swarm.put("NodeID", "");
        swarm.put("NodeAddr", "");
        swarm.put("LocalNodeState", "inactive");
        swarm.put("ControlAvailable", false);
        swarm.put("Error", "");
        swarm.putNull("RemoteManagers");
        out.put("LiveRestoreEnabled", false);
        out.put("Isolation", "");
        out.put("InitBinary", "");
        out.putObject("ContainerdCommit").put("ID", "");
        out.putObject("RuncCommit").put("ID", "");
        out.putObject("InitCommit").put("ID", "");
        out.putArray("SecurityOptions");
        out.putArray("Warnings");
        return ApiResponse.json(200, out);
    }
}
