package dev.sockerless.aca.agent;

import com.azure.resourcemanager.appcontainers.models.EnvironmentVar;
import com.azure.resourcemanager.appcontainers.models.InitContainer;
import com.azure.resourcemanager.appcontainers.models.StorageType;
import com.azure.resourcemanager.appcontainers.models.Volume;
import com.azure.resourcemanager.appcontainers.models.VolumeMount;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Puts the sockerless agent in front of a container (the modes of {@code SOCKERLESS_AGENT_MODE}, README "Settings"). ACA's
 * {@code command} replaces the image ENTRYPOINT and drops its CMD, so the whole argv is built here from the merged
 * Entrypoint and Cmd and goes into {@code command}; {@code args} stays empty.
 */
public final class AgentInjection {

    public static final String VOLUME = "sockerless-agent-vol";
    public static final String MOUNT_PATH = "/sockerless-bin";
    public static final String BAKED_PATH = "/sockerless-agent";
    public static final String MOUNTED_PATH = MOUNT_PATH + "/sockerless-agent";
    public static final String TOKEN_SECRET = "sockerless-agent-token";
    public static final String TOKEN_ENV = "SOCKERLESS_AGENT_TOKEN";
    public static final String PORT_ENV = "SOCKERLESS_AGENT_PORT";
    public static final String KEEP_ALIVE_LABEL = "sockerless.keep-alive";
    public static final String INIT_CONTAINER_NAME = "sockerless-agent-init";

    /** Commands that only idle, so the container exists to be exec'd into: the agent keeps it alive instead. */
    public static final List<String> IDLE_COMMANDS =
            List.of("tail -f /dev/null", "tail -F /dev/null", "sleep infinity", "sleep inf");

    private static final List<String> SHELLS =
            List.of("sh", "/bin/sh", "bash", "/bin/bash", "/usr/bin/bash", "ash", "/bin/ash");

    private AgentInjection() {}

    /**
     * Whether the container idles: label {@code sockerless.keep-alive=true}, or an argv that is one of
     * {@link #IDLE_COMMANDS}, given directly or as {@code <shell> -c "<command>"}.
     */
    public static boolean isKeepAlive(List<String> argv, Map<String, String> labels) {
        if ("true".equalsIgnoreCase(labels.getOrDefault(KEEP_ALIVE_LABEL, "").trim())) {
            return true;
        }
        String joined = String.join(" ", argv).trim().replaceAll("\\s+", " ");
        if (IDLE_COMMANDS.contains(joined)) {
            return true;
        }
        return argv.size() == 3
                && SHELLS.contains(argv.get(0))
                && "-c".equals(argv.get(1))
                && IDLE_COMMANDS.contains(argv.get(2).trim().replaceAll("\\s+", " "));
    }

    /** Where the binary is in the running container. */
    public static String agentPath(AgentMode mode) {
        return mode == AgentMode.BAKED ? BAKED_PATH : MOUNTED_PATH;
    }

    /** The container's {@code command}: the agent, then {@code --} and the user's argv (or keep-alive). */
    public static List<String> command(AgentMode mode, List<String> argv, boolean keepAlive) {
        List<String> command = new ArrayList<>();
        command.add(agentPath(mode));
        if (keepAlive) {
            command.add("--keep-alive");
            command.add("--");
            return command;
        }
        command.add("--");
        command.addAll(argv);
        return command;
    }

    /** The agent's environment: the port as a value, the token only as a reference to the job secret. */
    public static List<EnvironmentVar> env(int port) {
        return List.of(
                new EnvironmentVar().withName(PORT_ENV).withValue(Integer.toString(port)),
                new EnvironmentVar().withName(TOKEN_ENV).withSecretRef(TOKEN_SECRET));
    }

    /** The volume holding the binary, for the modes that have one. */
    public static Optional<Volume> volume(AgentSettings agent) {
        return switch (agent.mode()) {
            case BAKED -> Optional.empty();
            // "ro": the share is only read; the environment storage should also say accessMode ReadOnly.
            case AZURE_FILES ->
                Optional.of(new Volume()
                        .withName(VOLUME)
                        .withStorageType(StorageType.AZURE_FILE)
                        .withStorageName(agent.storageName())
                        .withMountOptions("ro"));
            case INIT_CONTAINER -> Optional.of(new Volume().withName(VOLUME).withStorageType(StorageType.EMPTY_DIR));
        };
    }

    /** The mount of {@link #volume} in the main (and init) container. */
    public static Optional<VolumeMount> mount(AgentSettings agent) {
        return volume(agent).map(v -> new VolumeMount().withVolumeName(VOLUME).withMountPath(MOUNT_PATH));
    }

    /**
     * The init container copying the binary into the shared EmptyDir ({@code init-container} mode only), with the
     * smallest CPU/memory pair, which {@link AcaResources#fit} keeps free in the job's total.
     */
    public static Optional<InitContainer> initContainer(AgentSettings agent) {
        if (agent.mode() != AgentMode.INIT_CONTAINER) {
            return Optional.empty();
        }
        return Optional.of(new InitContainer()
                .withName(INIT_CONTAINER_NAME)
                .withImage(agent.image())
                .withCommand(List.of("cp", BAKED_PATH, MOUNTED_PATH))
                .withResources(JobTemplateGenerator.resources(AcaResources.INIT))
                .withVolumeMounts(List.of(mount(agent).orElseThrow())));
    }
}
