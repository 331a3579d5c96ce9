package dev.sockerless.aca.testing;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;

class JobSchemaTest {

    static final ObjectMapper MAPPER = new ObjectMapper();
    static final String SUB = "/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/rg/providers/";
    static final String PULL = SUB + "Microsoft.ManagedIdentity/userAssignedIdentities/jobs";

    /** A body exercising every part the schema knows, valid. */
    static final String VALID = """
            {
              "location": "westeurope",
              "tags": { "owner": "sockerless" },
              "identity": { "type": "UserAssigned", "userAssignedIdentities": { "%1$s": {} } },
              "properties": {
                "environmentId": "%2$sMicrosoft.App/managedEnvironments/env",
                "workloadProfileName": "Consumption",
                "configuration": {
                  "triggerType": "Manual",
                  "replicaTimeout": 1800,
                  "replicaRetryLimit": 0,
                  "manualTriggerConfig": { "replicaCompletionCount": 1, "parallelism": 1 },
                  "secrets": [ { "name": "token", "value": "s3cret" }, { "name": "pw", "value": "pw" },
                               { "name": "spare", "value": "x" } ],
                  "registries": [ { "server": "myacr.azurecr.io", "identity": "%1$s" },
                                  { "server": "docker.io", "username": "me", "passwordSecretRef": "pw" } ],
                  "identitySettings": [ { "identity": "%1$s", "lifecycle": "None" } ]
                },
                "template": {
                  "initContainers": [ { "name": "init", "image": "busybox", "command": [ "cp", "a", "/v/a" ],
                                        "resources": { "cpu": 0.25, "memory": "0.5Gi" },
                                        "volumeMounts": [ { "volumeName": "v", "mountPath": "/v" } ] } ],
                  "containers": [ { "name": "main", "image": "myacr.azurecr.io/app:1", "args": [ "-x" ],
                                    "env": [ { "name": "A", "value": "1" }, { "name": "T", "secretRef": "token" } ],
                                    "resources": { "cpu": 1, "memory": "2Gi" },
                                    "volumeMounts": [ { "volumeName": "v", "mountPath": "/v", "subPath": "x" },
                                                      { "volumeName": "files", "mountPath": "/files" },
                                                      { "volumeName": "s", "mountPath": "/s" } ],
                                    "probes": [ { "type": "Liveness", "tcpSocket": { "port": 80 } } ] } ],
                  "volumes": [ { "name": "v", "storageType": "EmptyDir" },
                               { "name": "files", "storageType": "AzureFile", "storageName": "share", "mountOptions": "ro" },
                               { "name": "s", "storageType": "Secret", "secrets": [ { "secretRef": "token", "path": "t" } ] } ]
                }
              }
            }
            """.formatted(PULL, SUB);

    static ObjectNode valid() throws Exception {
        return (ObjectNode) MAPPER.readTree(VALID);
    }

    static ObjectNode at(JsonNode root, String... path) {
        JsonNode n = root;
        for (String p : path) {
            n = p.matches("\\d+") ? n.get(Integer.parseInt(p)) : n.get(p);
        }
        return (ObjectNode) n;
    }

    static ObjectNode configuration(ObjectNode body) {
        return at(body, "properties", "configuration");
    }

    static ObjectNode main(ObjectNode body) {
        return at(body, "properties", "template", "containers", "0");
    }

    /** Applies the change to a valid body and expects exactly one violation, starting with the path. */
    static void rejects(String path, String words, Consumer<ObjectNode> change) throws Exception {
        ObjectNode body = valid();
        change.accept(body);
        assertThat(JobSchema.violations(body))
                .as(path)
                .singleElement(org.assertj.core.api.InstanceOfAssertFactories.STRING)
                .startsWith(path + ": ")
                .contains(words);
    }

    @Test
    void aCompleteBodyIsValid() throws Exception {
        assertThat(JobSchema.violations(valid())).isEmpty();
    }

    @Test
    void aSystemAssignedIdentityCanBeNamedSystem() throws Exception {
        ObjectNode body = valid();
        at(body, "identity").put("type", "SystemAssigned,UserAssigned");
        configuration(body)
                .withArray("registries")
                .addObject()
                .put("server", "other.azurecr.io")
                .put("identity", "system");
        assertThat(JobSchema.violations(body)).isEmpty();
    }

    @Test
    void topLevel() throws Exception {
        rejects("$.location", "is required", b -> b.remove("location"));
        rejects("$.location", "must be a string", b -> b.put("location", 1));
        rejects("$.location", "must not be empty", b -> b.put("location", " "));
        rejects("$.apiVersion", "is not a property of Job", b -> b.put("apiVersion", "2025-01-01"));
        rejects("$.tags.owner", "must be a string", b -> at(b, "tags").put("owner", 3));
        rejects("$.properties", "is required", b -> b.remove("properties"));
        rejects(
                "$.properties.environmentId",
                "is required",
                b -> at(b, "properties").remove("environmentId"));
        rejects(
                "$.properties.environmentId",
                "managedEnvironments",
                b -> at(b, "properties").put("environmentId", "env"));
        rejects(
                "$.properties.enviromentId",
                "is not a property",
                b -> at(b, "properties").put("enviromentId", "x"));
        rejects(
                "$.properties.configuration",
                "is required",
                b -> at(b, "properties").remove("configuration"));
        rejects("$.properties.template", "is required", b -> at(b, "properties").remove("template"));
        // read-only names of a GET body may be sent back
        ObjectNode echoed = valid();
        echoed.put("id", "x").put("name", "job").put("type", "Microsoft.App/jobs");
        at(echoed, "properties").put("provisioningState", "Succeeded").put("eventStreamEndpoint", "https://e");
        assertThat(JobSchema.violations(echoed)).isEmpty();
    }

    @Test
    void configurationRules() throws Exception {
        String c = "$.properties.configuration";
        rejects(c + ".replicaTimeout", "is required", b -> configuration(b).remove("replicaTimeout"));
        rejects(c + ".replicaTimeout", "int32", b -> configuration(b).put("replicaTimeout", 1.5));
        rejects(c + ".replicaTimeout", "int32", b -> configuration(b).put("replicaTimeout", "1800"));
        rejects(c + ".replicaTimeout", "int32", b -> configuration(b).put("replicaTimeout", 1L << 40));
        rejects(c + ".replicaTimeout", "> 0", b -> configuration(b).put("replicaTimeout", 0));
        rejects(c + ".replicaRetryLimit", ">= 0", b -> configuration(b).put("replicaRetryLimit", -1));
        rejects(c + ".triggerType", "is required", b -> configuration(b).remove("triggerType"));
        rejects(
                c + ".triggerType",
                "[Event, Manual, Schedule]",
                b -> configuration(b).put("triggerType", "manual"));
        rejects(
                c + ".scheduleTriggerConfig",
                "is required when triggerType is Schedule",
                b -> configuration(b).put("triggerType", "Schedule"));
        rejects(
                c + ".scheduleTriggerConfig.cronExpression",
                "is required",
                b -> configuration(b)
                        .put("triggerType", "Schedule")
                        .putObject("scheduleTriggerConfig")
                        .put("parallelism", 1));
        rejects(
                c + ".scheduleTriggerConfig.cronExpression",
                "five-field",
                b -> configuration(b)
                        .put("triggerType", "Schedule")
                        .putObject("scheduleTriggerConfig")
                        .put("cronExpression", "daily"));
        rejects(
                c + ".manualTriggerConfig.parallelism",
                "int32",
                b -> at(configuration(b), "manualTriggerConfig").put("parallelism", "1"));
        rejects(
                c + ".manualTriggerConfig.replicaCompletionCount",
                ">= 1",
                b -> at(configuration(b), "manualTriggerConfig").put("replicaCompletionCount", 0));
        rejects(
                c + ".manualTriggerConfig.cronExpression",
                "is not a property",
                b -> at(configuration(b), "manualTriggerConfig").put("cronExpression", "* * * * *"));
        rejects(
                c + ".eventTriggerConfig.scale.maxExecutions",
                "int32",
                b -> configuration(b)
                        .putObject("eventTriggerConfig")
                        .putObject("scale")
                        .put("maxExecutions", "x"));
        rejects(
                c + ".template",
                "is not a property of JobConfiguration",
                b -> configuration(b).putObject("template"));
    }

    @Test
    void secretsAndRegistries() throws Exception {
        String c = "$.properties.configuration";
        rejects(c + ".secrets", "must be an array", b -> configuration(b).putObject("secrets"));
        rejects(
                c + ".secrets[2].name",
                "is required",
                b -> at(configuration(b), "secrets", "2").remove("name"));
        rejects(
                c + ".secrets[2].name",
                "duplicates",
                b -> at(configuration(b), "secrets", "2").put("name", "token"));
        rejects(
                c + ".secrets[0].value",
                "must be a string",
                b -> at(configuration(b), "secrets", "0").put("value", 7));
        rejects(
                c + ".secrets[0]",
                "both value and keyVaultUrl",
                b -> at(configuration(b), "secrets", "0").put("keyVaultUrl", "https://kv/secrets/x"));
        rejects(
                c + ".registries[0].server",
                "is required",
                b -> at(configuration(b), "registries", "0").remove("server"));
        rejects(
                c + ".registries[0].identity",
                "must be a string",
                b -> at(configuration(b), "registries", "0").putObject("identity"));
        rejects(
                c + ".registries[0].identity",
                "neither 'system' nor",
                b -> at(configuration(b), "registries", "0").put("identity", "jobs"));
        rejects(
                c + ".registries[0].identity",
                "missing from $.identity.userAssignedIdentities",
                b -> at(configuration(b), "registries", "0").put("identity", PULL + "-other"));
        rejects(
                c + ".registries[0].identity",
                "does not include SystemAssigned",
                b -> at(configuration(b), "registries", "0").put("identity", "system"));
        rejects(
                c + ".registries[1].passwordSecretRef",
                "names no secret",
                b -> at(configuration(b), "registries", "1").put("passwordSecretRef", "nope"));
        rejects(
                c + ".registries[1]",
                "needs both username and passwordSecretRef",
                b -> at(configuration(b), "registries", "1").remove("passwordSecretRef"));
    }

    @Test
    void identities() throws Exception {
        String c = "$.properties.configuration";
        rejects(
                c + ".identitySettings[0].identity",
                "is required",
                b -> at(configuration(b), "identitySettings", "0").remove("identity"));
        rejects(
                c + ".identitySettings[0].lifecycle",
                "[All, Init, Main, None]",
                b -> at(configuration(b), "identitySettings", "0").put("lifecycle", "Never"));
        rejects(
                c + ".identitySettings[0].identity",
                "missing from",
                b -> at(configuration(b), "identitySettings", "0").put("identity", PULL + "2"));
        rejects("$.identity.type", "is required", b -> at(b, "identity").remove("type"));
        rejects(
                "$.identity.type",
                "must be one of",
                b -> at(b, "identity").put("type", "SystemAssigned, UserAssigned"));
        ObjectNode noUsers = valid();
        at(noUsers, "identity").remove("userAssignedIdentities");
        assertThat(JobSchema.violations(noUsers))
                .contains("$.identity.userAssignedIdentities: is required when type is UserAssigned");
        rejects("$.identity.userAssignedIdentities", "only allowed when type includes UserAssigned", b -> {
            at(b, "identity").put("type", "SystemAssigned");
            configuration(b).remove("registries");
            configuration(b).remove("identitySettings");
        });
        rejects("$.identity.userAssignedIdentities['jobs']", "not a Microsoft.ManagedIdentity", b -> {
            at(b, "identity", "userAssignedIdentities").putObject("jobs");
        });
    }

    @Test
    void containers() throws Exception {
        String t = "$.properties.template";
        rejects(
                t + ".containers",
                "at least one",
                b -> at(b, "properties", "template").putArray("containers"));
        rejects(
                t + ".containers",
                "at least one",
                b -> at(b, "properties", "template").remove("containers"));
        rejects(t + ".containers[0].name", "is required", b -> main(b).remove("name"));
        rejects(t + ".containers[0].image", "is required", b -> main(b).remove("image"));
        rejects(t + ".containers[0].name", "duplicates container 'init'", b -> main(b).put("name", "init"));
        rejects(
                t + ".containers[0].command[1]",
                "must be a string",
                b -> main(b).putArray("command").add("a").add(1));
        rejects(
                t + ".containers[0].resources.cpu",
                "must be a number",
                b -> at(main(b), "resources").put("cpu", "1"));
        rejects(
                t + ".containers[0].resources.cpu",
                "> 0",
                b -> at(main(b), "resources").put("cpu", 0));
        rejects(
                t + ".containers[0].resources.memory",
                "must be a string",
                b -> at(main(b), "resources").put("memory", 2));
        rejects(
                t + ".containers[0].env[0].name",
                "is required",
                b -> at(main(b), "env", "0").remove("name"));
        rejects(
                t + ".containers[0].env[1].secretRef",
                "names no secret",
                b -> at(main(b), "env", "1").put("secretRef", "other"));
        rejects(
                t + ".containers[0].env[0]",
                "both value and secretRef",
                b -> at(main(b), "env", "0").put("secretRef", "token"));
        rejects(
                t + ".containers[0].env[1].name",
                "duplicates",
                b -> at(main(b), "env", "1").put("name", "A"));
        rejects(
                t + ".containers[0].volumeMounts[0].volumeName",
                "names no volume",
                b -> at(main(b), "volumeMounts", "0").put("volumeName", "w"));
        rejects(
                t + ".containers[0].volumeMounts[0].mountPath",
                "':'",
                b -> at(main(b), "volumeMounts", "0").put("mountPath", "c:/v"));
        rejects(
                t + ".containers[0].probes[0].type",
                "must be one of",
                b -> at(main(b), "probes", "0").put("type", "Health"));
        rejects(
                t + ".initContainers[0].probes",
                "is not a property of InitContainer",
                b -> at(b, "properties", "template", "initContainers", "0").putArray("probes"));
        rejects(
                t + ".initContainers[0].image",
                "must not be empty",
                b -> at(b, "properties", "template", "initContainers", "0").put("image", ""));
    }

    @Test
    void volumes() throws Exception {
        String v = "$.properties.template.volumes";
        rejects(v + "[0].name", "is required", b -> {
            at(b, "properties", "template", "volumes", "0").remove("name");
            ((ArrayNode) at(b, "properties", "template", "initContainers", "0").get("volumeMounts")).removeAll();
            ((ArrayNode) main(b).get("volumeMounts")).remove(0);
        });
        rejects(
                v + "[0].storageType",
                "[AzureFile, EmptyDir, NfsAzureFile, Secret]",
                b -> at(b, "properties", "template", "volumes", "0").put("storageType", "HostPath"));
        rejects(
                v + "[1].storageName",
                "is required for storageType AzureFile",
                b -> at(b, "properties", "template", "volumes", "1").remove("storageName"));
        rejects(
                v + "[0].storageName",
                "only used with AzureFile",
                b -> at(b, "properties", "template", "volumes", "0").put("storageName", "share"));
        rejects(
                v + "[2].secrets[0].secretRef",
                "names no secret",
                b -> at(b, "properties", "template", "volumes", "2", "secrets", "0")
                        .put("secretRef", "x"));
        rejects(v + "[1].name", "duplicates volume", b -> {
            at(b, "properties", "template", "volumes", "1").put("name", "v");
            ((ArrayNode) main(b).get("volumeMounts")).remove(1);
        });
        // storageType defaults to EmptyDir ("If not provided, use EmptyDir.")
        ObjectNode body = valid();
        at(body, "properties", "template", "volumes", "0").remove("storageType");
        assertThat(JobSchema.violations(body)).isEmpty();
    }

    @Test
    void nonObjectsAreReportedNotThrown() throws Exception {
        assertThat(JobSchema.violations(MAPPER.readTree("[]"))).containsExactly("$: must be an object, was ARRAY");
        rejects(
                "$.properties.template.containers[0]",
                "must be an object",
                b -> ((ArrayNode) at(b, "properties", "template").get("containers"))
                        .set(0, MAPPER.getNodeFactory().textNode("x")));
    }

    @Test
    void resourceTotalsFollowTheEnvironmentType() throws Exception {
        // the valid body: init 0.25/0.5Gi + main 1/2Gi = 1.25/2.5Gi
        assertThat(JobSchema.resourceViolations(valid(), false)).isEmpty();
        ObjectNode big = valid();
        at(main(big), "resources").put("cpu", 3.5).put("memory", "7Gi");
        assertThat(JobSchema.resourceViolations(big, true)).isEmpty();
        assertThat(JobSchema.resourceViolations(big, false))
                .singleElement()
                .asString()
                .startsWith("$.properties.template: the containers total 3.75 vCPU and 7.5Gi")
                .contains("up to 2.0/4.0Gi");
        ObjectNode tooBig = valid();
        at(main(tooBig), "resources").put("cpu", 4).put("memory", "8Gi");
        assertThat(JobSchema.resourceViolations(tooBig, true))
                .singleElement()
                .asString()
                .contains("4.25 vCPU");
        ObjectNode ratio = valid();
        at(main(ratio), "resources").put("memory", "1Gi");
        assertThat(JobSchema.resourceViolations(ratio, true))
                .singleElement()
                .asString()
                .contains("not an allowed pair");
        ObjectNode mebibytes = valid();
        at(main(mebibytes), "resources").put("memory", "2048Mi");
        assertThat(JobSchema.resourceViolations(mebibytes, false)).isEmpty();
        ObjectNode decimals = valid();
        at(main(decimals), "resources").put("cpu", 0.125);
        assertThat(JobSchema.resourceViolations(decimals, true))
                .singleElement()
                .asString()
                .startsWith("$.properties.template.containers[0].resources.cpu: must be a number > 0 with at most two");
        ObjectNode unit = valid();
        at(main(unit), "resources").put("memory", "2G");
        assertThat(JobSchema.resourceViolations(unit, true))
                .singleElement()
                .asString()
                .startsWith("$.properties.template.containers[0].resources.memory: must be <number>Gi");
        ObjectNode defaults = valid(); // no resources: ACA's 0.25/0.5Gi each
        main(defaults).remove("resources");
        assertThat(JobSchema.resourceViolations(defaults, false)).isEmpty();
    }
}
