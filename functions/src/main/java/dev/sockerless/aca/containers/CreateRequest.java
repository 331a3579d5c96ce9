package dev.sockerless.aca.containers;

import static dev.sockerless.aca.json.GoJson.BOOL;
import static dev.sockerless.aca.json.GoJson.INT;
import static dev.sockerless.aca.json.GoJson.INT64;
import static dev.sockerless.aca.json.GoJson.STRING;
import static dev.sockerless.aca.json.GoJson.STR_SLICE;
import static dev.sockerless.aca.json.GoJson.UINT16;
import static dev.sockerless.aca.json.GoJson.UINT64;
import static dev.sockerless.aca.json.GoJson.list;
import static dev.sockerless.aca.json.GoJson.map;
import static dev.sockerless.aca.json.GoJson.struct;

import dev.sockerless.aca.json.GoJson;
import dev.sockerless.aca.json.GoJson.Struct;

/**
 * The Go types of the {@code POST /containers/create} body, as dockerd declares them (moby {@code api/types/container}
 * {@code Config}, {@code HostConfig} with its embedded {@code Resources}, {@code api/types/network}
 * {@code NetworkingConfig}; API 1.43–1.51), for {@link GoJson#checkBody}. Fields dockerd has and this app never reads
 * are typed too, so a request dockerd refuses is refused here.
 */
public final class CreateRequest {

    private CreateRequest() {}

    private static final GoJson.Type STRINGS = list(STRING);
    private static final GoJson.Type LABELS = map(STRING);
    /** {@code map[string]struct{}} ({@code ExposedPorts}, {@code Volumes}). */
    private static final GoJson.Type SET = map(struct("struct {}"));

    static final Struct HEALTH = struct("container.HealthConfig")
            .field("Test", STRINGS)
            .field("Interval", INT64)
            .field("Timeout", INT64)
            .field("StartPeriod", INT64)
            .field("StartInterval", INT64)
            .field("Retries", INT);

    static final Struct CONFIG = struct("container.Config")
            .field("Hostname", STRING)
            .field("Domainname", STRING)
            .field("User", STRING)
            .field("AttachStdin", BOOL)
            .field("AttachStdout", BOOL)
            .field("AttachStderr", BOOL)
            .field("ExposedPorts", SET)
            .field("Tty", BOOL)
            .field("OpenStdin", BOOL)
            .field("StdinOnce", BOOL)
            .field("Env", STRINGS)
            .field("Cmd", STR_SLICE)
            .field("Healthcheck", HEALTH)
            .field("ArgsEscaped", BOOL)
            .field("Image", STRING)
            .field("Volumes", SET)
            .field("WorkingDir", STRING)
            .field("Entrypoint", STR_SLICE)
            .field("NetworkDisabled", BOOL)
            .field("MacAddress", STRING)
            .field("OnBuild", STRINGS)
            .field("Labels", LABELS)
            .field("StopSignal", STRING)
            .field("StopTimeout", INT)
            .field("Shell", STR_SLICE);

    private static final Struct THROTTLE =
            struct("blkiodev.ThrottleDevice").field("Path", STRING).field("Rate", UINT64);

    static final Struct RESOURCES = struct("container.Resources")
            .field("CpuShares", INT64)
            .field("Memory", INT64)
            .field("NanoCpus", INT64)
            .field("CgroupParent", STRING)
            .field("BlkioWeight", UINT16)
            .field(
                    "BlkioWeightDevice",
                    list(struct("blkiodev.WeightDevice").field("Path", STRING).field("Weight", UINT16)))
            .field("BlkioDeviceReadBps", list(THROTTLE))
            .field("BlkioDeviceWriteBps", list(THROTTLE))
            .field("BlkioDeviceReadIOps", list(THROTTLE))
            .field("BlkioDeviceWriteIOps", list(THROTTLE))
            .field("CpuPeriod", INT64)
            .field("CpuQuota", INT64)
            .field("CpuRealtimePeriod", INT64)
            .field("CpuRealtimeRuntime", INT64)
            .field("CpusetCpus", STRING)
            .field("CpusetMems", STRING)
            .field(
                    "Devices",
                    list(struct("container.DeviceMapping")
                            .field("PathOnHost", STRING)
                            .field("PathInContainer", STRING)
                            .field("CgroupPermissions", STRING)))
            .field("DeviceCgroupRules", STRINGS)
            .field(
                    "DeviceRequests",
                    list(struct("container.DeviceRequest")
                            .field("Driver", STRING)
                            .field("Count", INT)
                            .field("DeviceIDs", STRINGS)
                            .field("Capabilities", list(STRINGS))
                            .field("Options", LABELS)))
            .field("KernelMemory", INT64)
            .field("KernelMemoryTCP", INT64)
            .field("MemoryReservation", INT64)
            .field("MemorySwap", INT64)
            .field("MemorySwappiness", INT64)
            .field("OomKillDisable", BOOL)
            .field("PidsLimit", INT64)
            .field(
                    "Ulimits",
                    list(struct("container.Ulimit")
                            .field("Name", STRING)
                            .field("Hard", INT64)
                            .field("Soft", INT64)))
            .field("CpuCount", INT64)
            .field("CpuPercent", INT64)
            .field("IOMaximumIOps", UINT64)
            .field("IOMaximumBandwidth", UINT64);

    static final Struct MOUNT = struct("mount.Mount")
            .field("Type", STRING)
            .field("Source", STRING)
            .field("Target", STRING)
            .field("ReadOnly", BOOL)
            .field("Consistency", STRING)
            .field(
                    "BindOptions",
                    struct("mount.BindOptions")
                            .field("Propagation", STRING)
                            .field("NonRecursive", BOOL)
                            .field("CreateMountpoint", BOOL)
                            .field("ReadOnlyNonRecursive", BOOL)
                            .field("ReadOnlyForceRecursive", BOOL))
            .field(
                    "VolumeOptions",
                    struct("mount.VolumeOptions")
                            .field("NoCopy", BOOL)
                            .field("Labels", LABELS)
                            .field("Subpath", STRING)
                            .field(
                                    "DriverConfig",
                                    struct("mount.Driver").field("Name", STRING).field("Options", LABELS)))
            .field("ImageOptions", struct("mount.ImageOptions").field("Subpath", STRING))
            .field(
                    "TmpfsOptions",
                    struct("mount.TmpfsOptions")
                            .field("SizeBytes", INT64)
                            .field("Mode", UINT64)
                            .field("Options", list(STRINGS)));

    static final Struct HOST_CONFIG = struct("container.HostConfig")
            .field("Binds", STRINGS)
            .field("ContainerIDFile", STRING)
            .field(
                    "LogConfig",
                    struct("container.LogConfig").field("Type", STRING).field("Config", LABELS))
            .field("NetworkMode", STRING)
            .field(
                    "PortBindings",
                    map(list(struct("nat.PortBinding").field("HostIp", STRING).field("HostPort", STRING))))
            .field(
                    "RestartPolicy",
                    struct("container.RestartPolicy").field("Name", STRING).field("MaximumRetryCount", INT))
            .field("AutoRemove", BOOL)
            .field("VolumeDriver", STRING)
            .field("VolumesFrom", STRINGS)
            .field("ConsoleSize", list(UINT64))
            .field("Annotations", LABELS)
            .field("CapAdd", STR_SLICE)
            .field("CapDrop", STR_SLICE)
            .field("CgroupnsMode", STRING)
            .field("Dns", STRINGS)
            .field("DnsOptions", STRINGS)
            .field("DnsSearch", STRINGS)
            .field("ExtraHosts", STRINGS)
            .field("GroupAdd", STRINGS)
            .field("IpcMode", STRING)
            .field("Cgroup", STRING)
            .field("Links", STRINGS)
            .field("OomScoreAdj", INT)
            .field("PidMode", STRING)
            .field("Privileged", BOOL)
            .field("PublishAllPorts", BOOL)
            .field("ReadonlyRootfs", BOOL)
            .field("SecurityOpt", STRINGS)
            .field("StorageOpt", LABELS)
            .field("Tmpfs", LABELS)
            .field("UTSMode", STRING)
            .field("UsernsMode", STRING)
            .field("ShmSize", INT64)
            .field("Sysctls", LABELS)
            .field("Runtime", STRING)
            .field("Isolation", STRING)
            .embed(RESOURCES)
            .field("Mounts", list(MOUNT))
            .field("MaskedPaths", STRINGS)
            .field("ReadonlyPaths", STRINGS)
            .field("Init", BOOL);

    static final Struct ENDPOINT = struct("network.EndpointSettings")
            .field(
                    "IPAMConfig",
                    struct("network.EndpointIPAMConfig")
                            .field("IPv4Address", STRING)
                            .field("IPv6Address", STRING)
                            .field("LinkLocalIPs", STRINGS))
            .field("Links", STRINGS)
            .field("Aliases", STRINGS)
            .field("DriverOpts", LABELS)
            .field("GwPriority", INT)
            .field("NetworkID", STRING)
            .field("EndpointID", STRING)
            .field("Gateway", STRING)
            .field("IPAddress", STRING)
            .field("MacAddress", STRING)
            .field("IPPrefixLen", INT)
            .field("IPv6Gateway", STRING)
            .field("GlobalIPv6Address", STRING)
            .field("GlobalIPv6PrefixLen", INT)
            .field("DNSNames", STRINGS);

    /** The whole body: {@code container.Config} with {@code HostConfig} and {@code NetworkingConfig} beside it. */
    public static final Struct TYPE = struct("container.CreateRequest")
            .embed(CONFIG)
            .field("HostConfig", HOST_CONFIG)
            .field("NetworkingConfig", struct("network.NetworkingConfig").field("EndpointsConfig", map(ENDPOINT)));
}
