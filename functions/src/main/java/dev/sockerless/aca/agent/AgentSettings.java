package dev.sockerless.aca.agent;

import dev.sockerless.aca.config.Settings;
import dev.sockerless.aca.errors.DockerApiException;
import java.util.Arrays;
import java.util.Objects;
import java.util.logging.Logger;
import java.util.stream.Collectors;
import org.jspecify.annotations.Nullable;

/**
 * The agent settings, checked together: a mode without the settings it needs is a configuration error that names
 * the setting and says how to fix it (and is logged with that hint, since operators read logs, not CLI output).
 *
 * @param image       the image an init container copies the agent from ({@code init-container} only)
 * @param storageName the environment storage holding the agent ({@code azure-files} only)
 */
public record AgentSettings(
        AgentMode mode, @Nullable String image, @Nullable String storageName, int port) {

    private static final Logger LOG = Logger.getLogger(AgentSettings.class.getName());

    public AgentSettings {
        Objects.requireNonNull(mode, "mode");
    }

    public static AgentSettings from(Settings settings) {
        String modeText = settings.require(Settings.Key.SOCKERLESS_AGENT_MODE);
        AgentMode mode = AgentMode.find(modeText)
                .orElseThrow(() -> logged(Settings.malformed(
                        Settings.Key.SOCKERLESS_AGENT_MODE,
                        modeText,
                        "use one of "
                                + Arrays.stream(AgentMode.values())
                                        .map(AgentMode::setting)
                                        .collect(Collectors.joining(", ")))));
        int port = settings.integer(Settings.Key.SOCKERLESS_AGENT_PORT, 1, 65535);
        String image = settings.find(Settings.Key.SOCKERLESS_AGENT_IMAGE).orElse(null);
        String storage =
                settings.find(Settings.Key.SOCKERLESS_AGENT_STORAGE_NAME).orElse(null);
        if (mode == AgentMode.INIT_CONTAINER && image == null) {
            throw logged(Settings.missing(
                    Settings.Key.SOCKERLESS_AGENT_IMAGE,
                    "is not set, but SOCKERLESS_AGENT_MODE=init-container"
                            + " copies the agent from that image: set it to an image holding /sockerless-agent (and cp),"
                            + " or use SOCKERLESS_AGENT_MODE=baked with images that contain the agent"));
        }
        if (mode == AgentMode.AZURE_FILES && storage == null) {
            throw logged(Settings.missing(
                    Settings.Key.SOCKERLESS_AGENT_STORAGE_NAME,
                    "is not set, but SOCKERLESS_AGENT_MODE=azure-files"
                            + " mounts the agent from that environment storage: set it to the name of a"
                            + " Microsoft.App/managedEnvironments/storages entry whose share holds sockerless-agent,"
                            + " or use SOCKERLESS_AGENT_MODE=init-container with SOCKERLESS_AGENT_IMAGE"));
        }
        if (storage != null && !storage.matches("[a-z0-9][a-z0-9-]{0,62}")) {
            throw logged(Settings.malformed(
                    Settings.Key.SOCKERLESS_AGENT_STORAGE_NAME,
                    storage,
                    "an environment storage name is lowercase letters, digits and '-'"));
        }
        return new AgentSettings(mode, image, storage, port);
    }

    private static DockerApiException logged(DockerApiException e) {
        LOG.severe(e.getMessage());
        return e;
    }
}
