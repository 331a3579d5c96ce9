package dev.sockerless.aca.docker;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.NullNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.sockerless.aca.containers.ConfigMerge;
import dev.sockerless.aca.containers.ContainerRecord;
import dev.sockerless.aca.containers.Execution;
import java.io.IOException;
import java.time.Instant;
import java.util.List;
import org.jspecify.annotations.Nullable;

/** Docker's container inspect document (moby {@code api/types/container} {@code InspectResponse}). */
public final class ContainerJson {

    private static final JsonNodeFactory F = JsonNodeFactory.instance;

    private ContainerJson() {}

    public static ObjectNode inspect(ContainerRecord c) {
        JsonNode config = parse(c.config());
        List<String> argv = ConfigMerge.argv(config);
        ObjectNode out = F.objectNode();
        out.put("Id", c.id());
        out.put("Created", ImageJson.formatInstant(c.created()));
        out.put("Path", argv.isEmpty() ? "" : argv.get(0));
        ArrayNode args = out.putArray("Args");
        argv.stream().skip(1).forEach(args::add);
        out.set("State", state(c.findExecution().orElse(null)));
        out.put("Image", c.imageId().toString());
        out.put("ResolvConfPath", "");
        out.put("HostnamePath", "");
        out.put("HostsPath", "");
        out.put("LogPath", "");
        out.put("Name", "/" + c.name());
        out.put("RestartCount", 0);
        out.put("Driver", "overlay2");
        out.put("Platform", "linux");
        out.put("MountLabel", "");
        out.put("ProcessLabel", "");
        out.put("AppArmorProfile", "");
        out.putNull("ExecIDs");
        JsonNode host = c.hostConfig() == null ? F.objectNode() : parse(c.hostConfig());
        out.set("HostConfig", host.isObject() ? host : F.objectNode());
        ObjectNode graphDriver = out.putObject("GraphDriver");
        graphDriver.putNull("Data");
        graphDriver.put("Name", "overlay2");
        out.putArray("Mounts");
        out.set("Config", legacyConfig(config, c.image()));
        out.set("NetworkSettings", networkSettings());
        return out;
    }

    static ObjectNode state(@Nullable Execution e) {
        String status = e == null ? "created" : e.dockerStatus();
        ObjectNode s = F.objectNode();
        s.put("Status", status);
        s.put("Running", "running".equals(status));
        s.put("Paused", false);
        s.put("Restarting", false);
        s.put("OOMKilled", false);
        s.put("Dead", false);
        s.put("Pid", 0);
        s.put("ExitCode", e == null ? 0 : e.dockerExitCode());
        s.put("Error", e == null ? "" : e.dockerError());
        s.put("StartedAt", time(e == null ? null : e.startedAt()));
        s.put("FinishedAt", time(e == null ? null : e.finishedAt()));
        return s;
    }

    private static String time(@Nullable Instant t) {
        return t == null ? ImageJson.ZERO_TIME : ImageJson.formatInstant(t);
    }

    /** The legacy {@code container.Config}, in Go's field order, with its always-present members. */
    static ObjectNode legacyConfig(JsonNode c, String image) {
        ObjectNode out = F.objectNode();
        out.put("Hostname", c.path("Hostname").asText(""));
        out.put("Domainname", c.path("Domainname").asText(""));
        out.put("User", c.path("User").asText(""));
        out.put("AttachStdin", c.path("AttachStdin").asBoolean(false));
        out.put("AttachStdout", c.path("AttachStdout").asBoolean(false));
        out.put("AttachStderr", c.path("AttachStderr").asBoolean(false));
        copyIfNotEmpty(out, c, "ExposedPorts");
        out.put("Tty", c.path("Tty").asBoolean(false));
        out.put("OpenStdin", c.path("OpenStdin").asBoolean(false));
        out.put("StdinOnce", c.path("StdinOnce").asBoolean(false));
        out.set("Env", orNull(c.get("Env")));
        out.set("Cmd", orNull(c.get("Cmd")));
        copyIfNotEmpty(out, c, "Healthcheck");
        copyIfNotEmpty(out, c, "ArgsEscaped");
        out.put("Image", image);
        out.set("Volumes", orNull(c.get("Volumes")));
        out.put("WorkingDir", c.path("WorkingDir").asText(""));
        out.set("Entrypoint", orNull(c.get("Entrypoint")));
        copyIfNotEmpty(out, c, "NetworkDisabled");
        copyIfNotEmpty(out, c, "MacAddress");
        out.set("OnBuild", orNull(c.get("OnBuild")));
        out.set("Labels", c.path("Labels").isObject() ? c.get("Labels") : F.objectNode());
        copyIfNotEmpty(out, c, "StopSignal");
        copyIfNotEmpty(out, c, "StopTimeout");
        copyIfNotEmpty(out, c, "Shell");
        return out;
    }

    private static ObjectNode networkSettings() {
        ObjectNode n = F.objectNode();
        n.put("Bridge", "");
        n.put("SandboxID", "");
        n.put("SandboxKey", "");
        n.putObject("Ports");
        n.put("HairpinMode", false);
        n.put("LinkLocalIPv6Address", "");
        n.put("LinkLocalIPv6PrefixLen", 0);
        n.putNull("SecondaryIPAddresses");
        n.putNull("SecondaryIPv6Addresses");
        n.put("EndpointID", "");
        n.put("Gateway", "");
        n.put("GlobalIPv6Address", "");
        n.put("GlobalIPv6PrefixLen", 0);
        n.put("IPAddress", "");
        n.put("IPPrefixLen", 0);
        n.put("IPv6Gateway", "");
        n.put("MacAddress", "");
        n.putObject("Networks");
        return n;
    }

    private static void copyIfNotEmpty(ObjectNode out, JsonNode from, String member) {
        JsonNode v = from.get(member);
        if (v != null && !isEmpty(v)) {
            out.set(member, v);
        }
    }

    private static JsonNode orNull(JsonNode v) {
        return v == null || isEmpty(v) ? NullNode.instance : v;
    }

    private static boolean isEmpty(JsonNode v) {
        return v.isNull()
                || (v.isContainerNode() && v.isEmpty())
                || (v.isTextual() && v.asText().isEmpty())
                || (v.isBoolean() && !v.asBoolean())
                || (v.isNumber() && v.asLong() == 0);
    }

    /** A stored JSON document; null or unreadable → an empty object. */
    static JsonNode parse(@Nullable String json) {
        if (json == null) {
            return F.objectNode();
        }
        try {
            JsonNode node = ApiResponse.MAPPER.readTree(json);
            return node == null ? F.objectNode() : node;
        } catch (IOException e) {
            return F.objectNode();
        }
    }
}
