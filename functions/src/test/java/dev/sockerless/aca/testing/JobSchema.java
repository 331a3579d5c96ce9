package dev.sockerless.aca.testing;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Checks the body of a {@code PUT …/providers/Microsoft.App/jobs/{jobName}?api-version=2025-01-01}
 * ({@code Jobs_CreateOrUpdate}) against the published schema, for tests and strict stand-ins. Depends only on
 * Jackson.
 *
 * <p>Sources, all in Azure/azure-rest-api-specs, {@code specification/app/resource-manager/Microsoft.App/stable/2025-01-01/}:
 * <ul>
 *   <li>[JOBS] {@code Jobs.json}: {@code #/definitions/Job} (body of {@code Jobs_CreateOrUpdate}),
 *       {@code #/definitions/JobConfiguration} ({@code required: [replicaTimeout, triggerType]}, {@code triggerType}
 *       enum {@code Schedule, Event, Manual}; {@code scheduleTriggerConfig.required: [cronExpression]};
 *       {@code ReplicaCompletionCount}, {@code Parallelism}, {@code PollingInterval} int32),
 *       {@code #/definitions/RegistryCredentials} ({@code identity}: "the full user-assigned identity Resource ID …
 *       For system-assigned identities, use 'system'"), {@code #/definitions/JobScale}, {@code JobScaleRule};</li>
 *   <li>[COMMON] {@code CommonDefinitions.json}: {@code JobTemplate} ({@code initContainers, containers, volumes}),
 *       {@code BaseContainer}, {@code InitContainer}, {@code Container} (+ {@code probes}), {@code ContainerResources}
 *       ({@code cpu} number/double, {@code memory} string, {@code ephemeralStorage} read-only), {@code EnvironmentVar},
 *       {@code VolumeMount} ({@code mountPath} "Must not contain ':'"), {@code Volume} ({@code storageType} enum
 *       {@code AzureFile, EmptyDir, Secret, NfsAzureFile}; {@code storageName} "No need to provide for EmptyDir and
 *       Secret"), {@code SecretVolumeItem}, {@code Secret}, {@code IdentitySettings} ({@code required: [identity]},
 *       {@code lifecycle} enum {@code Init, Main, None, All}), {@code ContainerAppProbe} ({@code type} enum);</li>
 *   <li>[CT] {@code specification/common-types/resource-management/v3/types.json} {@code TrackedResource}
 *       ({@code required: [location]}, {@code tags} string map) over {@code Resource} ({@code id, name, type,
 *       systemData}, all read-only); [MSI] {@code …/v3/managedidentity.json} {@code ManagedServiceIdentity}
 *       ({@code required: [type]}, enum {@code None, SystemAssigned, UserAssigned, SystemAssigned,UserAssigned};
 *       {@code userAssignedIdentities} map of objects whose {@code principalId}/{@code clientId} are read-only).</li>
 * </ul>
 *
 * <p>Unknown properties: the Swagger objects do not say {@code additionalProperties: false}, and ARM may drop what
 * it does not know rather than reject it, but a name outside the model is either a typo that the service silently
 * ignores (the worst case) or a field that belongs elsewhere (an ARM-template {@code apiVersion}, which is not part of
 * a REST body). So every object whose model is listed above is closed here: any other name is a violation.
 * Read-only names ({@code id}, {@code name}, {@code type}, {@code systemData}, {@code provisioningState},
 * {@code outboundIpAddresses}, {@code eventStreamEndpoint}, {@code ephemeralStorage}) are allowed because ARM ignores
 * them on PUT, so a GET body can be sent back.
 *
 * <p>Rules beyond the schema (service behaviour or ARM semantics, marked "Inference" in the messages' sources):
 * {@code properties}, {@code environmentId}, {@code configuration}, {@code template} and at least one container
 * are required (service behaviour, not marked in the spec); {@code replicaTimeout > 0};
 * counts ≥ 0 (parallelism and completions ≥ 1); names unique; an env {@code secretRef}, a registry
 * {@code passwordSecretRef} and a secret-volume item name a declared secret; a mount names a declared volume; an
 * identity named by a registry or {@code identitySettings} is assigned to the job ({@code system} needs a
 * {@code SystemAssigned} type); a {@code UserAssigned} type lists identities and only then.
 */
public final class JobSchema {

    private static final Set<String> TOP =
            Set.of("id", "name", "type", "systemData", "location", "tags", "identity", "properties");
    private static final Set<String> PROPERTIES = Set.of(
            "provisioningState",
            "environmentId",
            "workloadProfileName",
            "configuration",
            "template",
            "outboundIpAddresses",
            "eventStreamEndpoint");
    private static final Set<String> CONFIGURATION = Set.of(
            "secrets",
            "triggerType",
            "replicaTimeout",
            "replicaRetryLimit",
            "manualTriggerConfig",
            "scheduleTriggerConfig",
            "eventTriggerConfig",
            "registries",
            "identitySettings");
    private static final Set<String> TRIGGER_TYPES = Set.of("Schedule", "Event", "Manual");
    private static final Set<String> IDENTITY_TYPES =
            Set.of("None", "SystemAssigned", "UserAssigned", "SystemAssigned,UserAssigned");
    private static final Set<String> LIFECYCLES = Set.of("Init", "Main", "None", "All");
    private static final Set<String> STORAGE_TYPES = Set.of("AzureFile", "EmptyDir", "Secret", "NfsAzureFile");
    private static final Set<String> PROBE_TYPES = Set.of("Liveness", "Readiness", "Startup");
    private static final Set<String> BASE_CONTAINER =
            Set.of("image", "name", "command", "args", "env", "resources", "volumeMounts");
    private static final Set<String> CONTAINER = union(BASE_CONTAINER, Set.of("probes"));
    private static final Pattern ENVIRONMENT_ID = Pattern.compile(
            "/subscriptions/[^/]+/resourceGroups/[^/]+/providers/Microsoft\\.App/managedEnvironments/[^/]+",
            Pattern.CASE_INSENSITIVE);
    private static final Pattern IDENTITY_ID = Pattern.compile(
            "/subscriptions/[^/]+/resourceGroups/[^/]+/providers/Microsoft\\.ManagedIdentity/userAssignedIdentities/[^/]+",
            Pattern.CASE_INSENSITIVE);
    private static final String SYSTEM = "system";

    private final List<String> out = new ArrayList<>();
    /** Declared secret names; null while unknown (missing or malformed list), which skips reference checks. */
    private Set<String> secrets;

    private final Set<String> volumes = new HashSet<>();
    private final Set<String> userIdentities = new HashSet<>();
    private boolean systemIdentity;

    private JobSchema() {}

    /**
     * The violations of a job PUT body, each starting with the JSON path it concerns ({@code $.properties…});
     * empty when the body is valid.
     */
    public static List<String> violations(JsonNode jobPutBody) {
        JobSchema schema = new JobSchema();
        schema.job(jobPutBody);
        return List.copyOf(schema.out);
    }

    /**
     * The CPU/memory rules of a job body that depend on the environment, beyond the schema
     * (MicrosoftDocs/azure-docs {@code articles/container-apps/containers.md}): each
     * {@code cpu} > 0 with at most two decimals, each {@code memory} {@code <number>Gi} or {@code <number>Mi}, and the
     * total over all containers one of the allowed pairs: 0.25 vCPU steps with memory = 2 × CPU Gi, up to 2.0/4.0Gi
     * in a Consumption-only environment or 4.0/8.0Gi on the Consumption profile of a workload-profiles environment.
     * Init containers are added to the total (whether ACA counts them is undocumented; adding them is the strict
     * reading). A container without {@code resources} counts as ACA's default 0.25/0.5Gi. Empty = allowed.
     */
    public static List<String> resourceViolations(JsonNode jobPutBody, boolean workloadProfiles) {
        List<String> out = new ArrayList<>();
        double cpu = 0;
        double memoryGi = 0;
        JsonNode template = jobPutBody.path("properties").path("template");
        for (String list : List.of("initContainers", "containers")) {
            JsonNode containers = template.path(list);
            for (int i = 0; i < containers.size(); i++) {
                String path = "$.properties.template." + list + "[" + i + "].resources";
                JsonNode r = containers.get(i).path("resources");
                JsonNode c = r.path("cpu");
                double oneCpu = c.isMissingNode() ? 0.25 : c.asDouble();
                if (!c.isMissingNode()
                        && (!c.isNumber() || oneCpu <= 0 || Math.abs(oneCpu * 100 - Math.rint(oneCpu * 100)) > 1e-9)) {
                    out.add(path + ".cpu: must be a number > 0 with at most two decimals, was " + c);
                }
                JsonNode m = r.path("memory");
                java.util.regex.Matcher mm =
                        Pattern.compile("(\\d+(?:\\.\\d+)?)(Gi|Mi)").matcher(m.asText(""));
                double oneMemory = 0.5;
                if (!m.isMissingNode()) {
                    if (m.isTextual() && mm.matches()) {
                        oneMemory =
                                Double.parseDouble(mm.group(1)) / (mm.group(2).equals("Mi") ? 1024 : 1);
                    } else {
                        out.add(path + ".memory: must be <number>Gi or <number>Mi, was " + m);
                    }
                }
                cpu += oneCpu;
                memoryGi += oneMemory;
            }
        }
        double max = workloadProfiles ? 4.0 : 2.0;
        double steps = cpu / 0.25;
        boolean pair = Math.abs(steps - Math.rint(steps)) < 1e-9
                && steps >= 1
                && cpu <= max + 1e-9
                && Math.abs(memoryGi - 2 * cpu) < 1e-9;
        if (out.isEmpty() && !pair) {
            out.add("$.properties.template: the containers total " + cpu + " vCPU and " + memoryGi + "Gi, not an"
                    + " allowed pair (0.25 vCPU steps, memory = 2 x CPU, up to " + max + "/" + 2 * max + "Gi on "
                    + (workloadProfiles ? "the Consumption workload profile" : "a Consumption-only environment") + ")");
        }
        return out;
    }

    private void job(JsonNode body) {
        if (!object(body, "$")) {
            return;
        }
        closed(body, "$", TOP, "Job (Jobs.json + v3 TrackedResource)");
        JsonNode location = body.get("location");
        if (location == null) {
            fail("$.location", "is required (v3 types.json TrackedResource.required)");
        } else if (string(location, "$.location") && location.asText().isBlank()) {
            fail("$.location", "must not be empty");
        }
        JsonNode tags = body.get("tags");
        if (tags != null && object(tags, "$.tags")) {
            tags.fields().forEachRemaining(e -> string(e.getValue(), "$.tags." + e.getKey()));
        }
        identity(body.get("identity"));
        JsonNode properties = body.get("properties");
        if (properties == null) {
            fail("$.properties", "is required (environmentId, configuration and template live there)");
            return;
        }
        if (!object(properties, "$.properties")) {
            return;
        }
        closed(properties, "$.properties", PROPERTIES, "Job.properties (Jobs.json)");
        JsonNode environment = properties.get("environmentId");
        if (environment == null) {
            fail("$.properties.environmentId", "is required: a job runs in a managed environment");
        } else if (string(environment, "$.properties.environmentId")
                && !ENVIRONMENT_ID.matcher(environment.asText()).matches()) {
            fail("$.properties.environmentId", "is not a Microsoft.App/managedEnvironments resource id");
        }
        optionalString(properties, "workloadProfileName", "$.properties");
        // Secrets first: the template and the registries refer to them.
        JsonNode configuration = properties.get("configuration");
        if (configuration == null) {
            fail("$.properties.configuration", "is required (replicaTimeout and triggerType are)");
        } else if (object(configuration, "$.properties.configuration")) {
            configuration(configuration, "$.properties.configuration");
        }
        JsonNode template = properties.get("template");
        if (template == null) {
            fail("$.properties.template", "is required: a job runs at least one container");
        } else if (object(template, "$.properties.template")) {
            template(template, "$.properties.template");
        }
    }

    private void identity(JsonNode identity) {
        if (identity == null || !object(identity, "$.identity")) {
            return;
        }
        closed(
                identity,
                "$.identity",
                Set.of("type", "userAssignedIdentities", "principalId", "tenantId"),
                "ManagedServiceIdentity (v3 managedidentity.json)");
        JsonNode type = identity.get("type");
        String typeText = null;
        if (type == null) {
            fail("$.identity.type", "is required (ManagedServiceIdentity.required)");
        } else if (string(type, "$.identity.type") && oneOf(type, "$.identity.type", IDENTITY_TYPES)) {
            typeText = type.asText();
        }
        // With an unknown type, only the shape of userAssignedIdentities is checked.
        boolean known = typeText != null;
        systemIdentity = known && typeText.contains("SystemAssigned");
        JsonNode users = identity.get("userAssignedIdentities");
        boolean userAssigned = known && typeText.contains("UserAssigned");
        if (users == null || users.isNull()) {
            if (userAssigned) {
                fail("$.identity.userAssignedIdentities", "is required when type is " + typeText);
            }
            return;
        }
        if (!object(users, "$.identity.userAssignedIdentities")) {
            return;
        }
        if (known && !userAssigned && users.size() > 0) {
            fail("$.identity.userAssignedIdentities", "is only allowed when type includes UserAssigned");
        }
        if (userAssigned && users.size() == 0) {
            fail("$.identity.userAssignedIdentities", "must list at least one identity when type is " + typeText);
        }
        for (Iterator<Map.Entry<String, JsonNode>> it = users.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            String path = "$.identity.userAssignedIdentities['" + e.getKey() + "']";
            if (!IDENTITY_ID.matcher(e.getKey()).matches()) {
                fail(path, "is not a Microsoft.ManagedIdentity/userAssignedIdentities resource id");
            }
            if (object(e.getValue(), path)) {
                closed(e.getValue(), path, Set.of("principalId", "clientId"), "UserAssignedIdentity");
            }
            userIdentities.add(e.getKey().toLowerCase(Locale.ROOT));
        }
    }

    private void configuration(JsonNode c, String path) {
        closed(c, path, CONFIGURATION, "JobConfiguration (Jobs.json)");
        JsonNode secretList = c.get("secrets");
        if (secretList == null || secretList.isArray()) {
            secrets = new HashSet<>();
        }
        array(secretList, path + ".secrets", this::secret);
        JsonNode timeout = c.get("replicaTimeout");
        if (timeout == null) {
            fail(path + ".replicaTimeout", "is required (JobConfiguration.required)");
        } else if (int32(timeout, path + ".replicaTimeout") && timeout.asInt() <= 0) {
            fail(path + ".replicaTimeout", "must be > 0 seconds, was " + timeout.asInt());
        }
        JsonNode retries = c.get("replicaRetryLimit");
        if (retries != null && int32(retries, path + ".replicaRetryLimit") && retries.asInt() < 0) {
            fail(path + ".replicaRetryLimit", "must be >= 0, was " + retries.asInt());
        }
        JsonNode trigger = c.get("triggerType");
        String triggerType = null;
        if (trigger == null) {
            fail(path + ".triggerType", "is required (JobConfiguration.required)");
        } else if (string(trigger, path + ".triggerType") && oneOf(trigger, path + ".triggerType", TRIGGER_TYPES)) {
            triggerType = trigger.asText();
        }
        JsonNode manual = c.get("manualTriggerConfig");
        if (manual != null && object(manual, path + ".manualTriggerConfig")) {
            counts(manual, path + ".manualTriggerConfig", Set.of());
        }
        JsonNode schedule = c.get("scheduleTriggerConfig");
        if (schedule == null && "Schedule".equals(triggerType)) {
            fail(path + ".scheduleTriggerConfig", "is required when triggerType is Schedule (it holds cronExpression)");
        }
        if (schedule != null && object(schedule, path + ".scheduleTriggerConfig")) {
            counts(schedule, path + ".scheduleTriggerConfig", Set.of("cronExpression"));
            JsonNode cron = schedule.get("cronExpression");
            if (cron == null) {
                fail(path + ".scheduleTriggerConfig.cronExpression", "is required (scheduleTriggerConfig.required)");
            } else if (string(cron, path + ".scheduleTriggerConfig.cronExpression")
                    && cron.asText().trim().split("\\s+").length != 5) {
                fail(path + ".scheduleTriggerConfig.cronExpression", "is not a five-field cron expression");
            }
        }
        JsonNode event = c.get("eventTriggerConfig");
        if (event != null && object(event, path + ".eventTriggerConfig")) {
            counts(event, path + ".eventTriggerConfig", Set.of("scale"));
            JsonNode scale = event.get("scale");
            if (scale != null && object(scale, path + ".eventTriggerConfig.scale")) {
                scale(scale, path + ".eventTriggerConfig.scale");
            }
        }
        array(c.get("registries"), path + ".registries", this::registry);
        array(c.get("identitySettings"), path + ".identitySettings", this::identitySetting);
    }

    /** replicaCompletionCount and parallelism (int32, ≥ 1) plus the names in {@code others}. */
    private void counts(JsonNode config, String path, Set<String> others) {
        closed(config, path, union(Set.of("replicaCompletionCount", "parallelism"), others), "trigger config");
        for (String name : List.of("replicaCompletionCount", "parallelism")) {
            JsonNode n = config.get(name);
            if (n != null && int32(n, path + "." + name) && n.asInt() < 1) {
                fail(path + "." + name, "must be >= 1, was " + n.asInt());
            }
        }
    }

    private void scale(JsonNode scale, String path) {
        closed(scale, path, Set.of("pollingInterval", "minExecutions", "maxExecutions", "rules"), "JobScale");
        for (String name : List.of("pollingInterval", "minExecutions", "maxExecutions")) {
            JsonNode n = scale.get(name);
            if (n != null && int32(n, path + "." + name) && n.asInt() < 0) {
                fail(path + "." + name, "must be >= 0");
            }
        }
        array(scale.get("rules"), path + ".rules", (rule, p) -> {
            closed(rule, p, Set.of("name", "type", "metadata", "auth", "identity"), "JobScaleRule");
            optionalString(rule, "name", p);
            optionalString(rule, "type", p);
            JsonNode metadata = rule.get("metadata");
            if (metadata != null) {
                object(metadata, p + ".metadata");
            }
            array(rule.get("auth"), p + ".auth", (auth, ap) -> {
                closed(auth, ap, Set.of("secretRef", "triggerParameter"), "ScaleRuleAuth");
                optionalString(auth, "triggerParameter", ap);
                secretRef(auth, "secretRef", ap);
            });
            identityRef(rule.get("identity"), p + ".identity");
        });
    }

    private void secret(JsonNode s, String path) {
        closed(s, path, Set.of("name", "value", "identity", "keyVaultUrl"), "Secret (CommonDefinitions.json)");
        String name = requiredString(s, "name", path);
        if (name != null && secrets != null && !secrets.add(name)) {
            fail(path + ".name", "duplicates secret '" + name + "'");
        }
        optionalString(s, "value", path);
        optionalString(s, "keyVaultUrl", path);
        if (s.has("value") && s.has("keyVaultUrl")) {
            fail(path, "has both value and keyVaultUrl");
        }
        JsonNode identity = s.get("identity");
        if (identity != null) {
            if (!s.has("keyVaultUrl")) {
                fail(path + ".identity", "is only used with keyVaultUrl");
            }
            identityRef(identity, path + ".identity");
        }
    }

    private void registry(JsonNode r, String path) {
        closed(
                r,
                path,
                Set.of("server", "username", "passwordSecretRef", "identity"),
                "RegistryCredentials (Jobs.json)");
        requiredString(r, "server", path);
        optionalString(r, "username", path);
        secretRef(r, "passwordSecretRef", path);
        JsonNode identity = r.get("identity");
        if (identity != null) {
            identityRef(identity, path + ".identity");
            if (r.has("username") || r.has("passwordSecretRef")) {
                fail(path, "has both identity and username/passwordSecretRef");
            }
        } else if (r.has("username") != r.has("passwordSecretRef")) {
            fail(path, "needs both username and passwordSecretRef, or identity");
        }
    }

    private void identitySetting(JsonNode s, String path) {
        closed(s, path, Set.of("identity", "lifecycle"), "IdentitySettings (CommonDefinitions.json)");
        JsonNode identity = s.get("identity");
        if (identity == null) {
            fail(path + ".identity", "is required (IdentitySettings.required)");
        } else {
            identityRef(identity, path + ".identity");
        }
        JsonNode lifecycle = s.get("lifecycle");
        if (lifecycle != null && string(lifecycle, path + ".lifecycle")) {
            oneOf(lifecycle, path + ".lifecycle", LIFECYCLES);
        }
    }

    /** A reference to an identity of the job: {@code system} or an assigned user-assigned identity's id. */
    private void identityRef(JsonNode identity, String path) {
        if (identity == null || !string(identity, path)) {
            return;
        }
        String id = identity.asText();
        if (SYSTEM.equalsIgnoreCase(id)) {
            if (!systemIdentity) {
                fail(path, "is 'system' but $.identity.type does not include SystemAssigned");
            }
        } else if (!IDENTITY_ID.matcher(id).matches()) {
            fail(path, "is neither 'system' nor a user-assigned identity resource id");
        } else if (!userIdentities.contains(id.toLowerCase(Locale.ROOT))) {
            fail(path, "names an identity missing from $.identity.userAssignedIdentities");
        }
    }

    private void template(JsonNode t, String path) {
        closed(t, path, Set.of("initContainers", "containers", "volumes"), "JobTemplate (CommonDefinitions.json)");
        array(t.get("volumes"), path + ".volumes", this::volume);
        Set<String> names = new HashSet<>();
        array(t.get("initContainers"), path + ".initContainers", (c, p) -> container(c, p, BASE_CONTAINER, names));
        JsonNode containers = t.get("containers");
        if (containers == null || (containers.isArray() && containers.isEmpty())) {
            fail(path + ".containers", "must hold at least one container");
        }
        array(containers, path + ".containers", (c, p) -> container(c, p, CONTAINER, names));
    }

    private void container(JsonNode c, String path, Set<String> allowed, Set<String> names) {
        closed(
                c,
                path,
                allowed,
                allowed == CONTAINER ? "Container (CommonDefinitions.json)" : "InitContainer (CommonDefinitions.json)");
        String name = requiredString(c, "name", path);
        if (name != null && !names.add(name)) {
            fail(path + ".name", "duplicates container '" + name + "'");
        }
        String image = requiredString(c, "image", path);
        if (image != null && image.isBlank()) {
            fail(path + ".image", "must not be empty");
        }
        stringArray(c.get("command"), path + ".command");
        stringArray(c.get("args"), path + ".args");
        Set<String> envNames = new HashSet<>();
        array(c.get("env"), path + ".env", (e, p) -> {
            closed(e, p, Set.of("name", "value", "secretRef"), "EnvironmentVar (CommonDefinitions.json)");
            String envName = requiredString(e, "name", p);
            if (envName != null && !envNames.add(envName)) {
                fail(p + ".name", "duplicates variable '" + envName + "'");
            }
            optionalString(e, "value", p);
            secretRef(e, "secretRef", p);
            if (e.has("value") && e.has("secretRef")) {
                fail(p, "has both value and secretRef");
            }
        });
        JsonNode resources = c.get("resources");
        if (resources != null && object(resources, path + ".resources")) {
            closed(
                    resources,
                    path + ".resources",
                    Set.of("cpu", "memory", "ephemeralStorage"),
                    "ContainerResources (CommonDefinitions.json)");
            JsonNode cpu = resources.get("cpu");
            if (cpu != null) {
                if (!cpu.isNumber()) {
                    fail(path + ".resources.cpu", "must be a number, was " + cpu.getNodeType());
                } else if (cpu.asDouble() <= 0) {
                    fail(path + ".resources.cpu", "must be > 0");
                }
            }
            optionalString(resources, "memory", path + ".resources");
            optionalString(resources, "ephemeralStorage", path + ".resources");
        }
        array(c.get("volumeMounts"), path + ".volumeMounts", (m, p) -> {
            closed(m, p, Set.of("volumeName", "mountPath", "subPath"), "VolumeMount (CommonDefinitions.json)");
            String volume = requiredString(m, "volumeName", p);
            if (volume != null && !volumes.contains(volume)) {
                fail(p + ".volumeName", "names no volume of the template");
            }
            String mountPath = requiredString(m, "mountPath", p);
            if (mountPath != null && mountPath.contains(":")) {
                fail(p + ".mountPath", "must not contain ':' (VolumeMount.mountPath)");
            }
            optionalString(m, "subPath", p);
        });
        array(c.get("probes"), path + ".probes", (probe, p) -> {
            JsonNode type = probe.get("type");
            if (type != null && string(type, p + ".type")) {
                oneOf(type, p + ".type", PROBE_TYPES);
            }
        });
    }

    private void volume(JsonNode v, String path) {
        closed(
                v,
                path,
                Set.of("name", "storageType", "storageName", "secrets", "mountOptions"),
                "Volume (CommonDefinitions.json)");
        String name = requiredString(v, "name", path);
        if (name != null && !volumes.add(name)) {
            fail(path + ".name", "duplicates volume '" + name + "'");
        }
        JsonNode type = v.get("storageType");
        String storageType = "EmptyDir"; // "If not provided, use EmptyDir."
        if (type != null && string(type, path + ".storageType") && oneOf(type, path + ".storageType", STORAGE_TYPES)) {
            storageType = type.asText();
        }
        String storageName = optionalString(v, "storageName", path);
        boolean share = storageType.equals("AzureFile") || storageType.equals("NfsAzureFile");
        if (share && storageName == null) {
            fail(path + ".storageName", "is required for storageType " + storageType);
        }
        if (!share && storageName != null) {
            fail(path + ".storageName", "is only used with AzureFile and NfsAzureFile");
        }
        optionalString(v, "mountOptions", path);
        if (v.has("secrets") && !storageType.equals("Secret")) {
            fail(path + ".secrets", "is only used with storageType Secret");
        }
        array(v.get("secrets"), path + ".secrets", (s, p) -> {
            closed(s, p, Set.of("secretRef", "path"), "SecretVolumeItem (CommonDefinitions.json)");
            secretRef(s, "secretRef", p);
            optionalString(s, "path", p);
        });
    }

    // ---- primitives -------------------------------------------------------------------------------------------

    private interface Item {
        void check(JsonNode item, String path);
    }

    /** Each element of an optional array, which must hold objects. */
    private void array(JsonNode array, String path, Item item) {
        if (array == null) {
            return;
        }
        if (!array.isArray()) {
            fail(path, "must be an array, was " + array.getNodeType());
            return;
        }
        for (int i = 0; i < array.size(); i++) {
            String p = path + "[" + i + "]";
            if (object(array.get(i), p)) {
                item.check(array.get(i), p);
            }
        }
    }

    private void stringArray(JsonNode array, String path) {
        if (array == null) {
            return;
        }
        if (!array.isArray()) {
            fail(path, "must be an array of strings, was " + array.getNodeType());
            return;
        }
        for (int i = 0; i < array.size(); i++) {
            string(array.get(i), path + "[" + i + "]");
        }
    }

    private void secretRef(JsonNode owner, String field, String path) {
        String ref = optionalString(owner, field, path);
        if (ref != null && secrets != null && !secrets.contains(ref)) {
            fail(path + "." + field, "names no secret of configuration.secrets");
        }
    }

    private void closed(JsonNode node, String path, Set<String> allowed, String model) {
        node.fieldNames().forEachRemaining(name -> {
            if (!allowed.contains(name)) {
                fail(path + "." + name, "is not a property of " + model);
            }
        });
    }

    private String requiredString(JsonNode owner, String field, String path) {
        JsonNode n = owner.get(field);
        if (n == null) {
            fail(path + "." + field, "is required");
            return null;
        }
        return string(n, path + "." + field) ? n.asText() : null;
    }

    private String optionalString(JsonNode owner, String field, String path) {
        JsonNode n = owner.get(field);
        return n != null && string(n, path + "." + field) ? n.asText() : null;
    }

    private boolean object(JsonNode n, String path) {
        if (n == null || !n.isObject()) {
            fail(path, "must be an object, was " + (n == null ? "missing" : n.getNodeType()));
            return false;
        }
        return true;
    }

    private boolean string(JsonNode n, String path) {
        if (!n.isTextual()) {
            fail(path, "must be a string, was " + n.getNodeType());
            return false;
        }
        return true;
    }

    private boolean int32(JsonNode n, String path) {
        if (!n.isIntegralNumber() || !n.canConvertToInt()) {
            fail(path, "must be an int32 integer, was " + n);
            return false;
        }
        return true;
    }

    private boolean oneOf(JsonNode n, String path, Set<String> values) {
        if (!values.contains(n.asText())) {
            fail(path, "must be one of " + new java.util.TreeSet<>(values) + ", was '" + n.asText() + "'");
            return false;
        }
        return true;
    }

    private void fail(String path, String message) {
        out.add(path + ": " + message);
    }

    private static Set<String> union(Set<String> a, Set<String> b) {
        Set<String> all = new HashSet<>(a);
        all.addAll(b);
        return Set.copyOf(all);
    }
}
