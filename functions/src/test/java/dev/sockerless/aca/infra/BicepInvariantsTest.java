package dev.sockerless.aca.infra;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/** Invariants of the Bicep text that the syntax check cannot see. */
class BicepInvariantsTest {

    /**
     * Built-in role definition ids (learn.microsoft.com {@code azure/role-based-access-control/built-in-roles}) → the resource each assignment is scoped to and the
     * principal holding it: the app's identity ({@code principalId}) or the job identity ({@code jobPrincipalId}).
     */
    private static final Map<String, String[]> ROLES = new LinkedHashMap<>();

    static {
        ROLES.put("acrPull", new String[] {"7f951dda-4ed3-4680-a7ca-43fe172d538d", "registry", "jobPrincipalId"});
        ROLES.put("acrPush", new String[] {"8311e382-0749-4cb8-b61a-304f252e45ec", "registry", "principalId"});
        ROLES.put("logAnalyticsReader", new String[] {"73c42c96-874c-492b-b04d-ab87d138a893", "workspace", "principalId"
        });
        ROLES.put(
                "storageTableDataContributor",
                new String[] {"0a9a7e1f-b9d0-4cc4-a60d-0319b160aaa3", "account", "principalId"});
        ROLES.put(
                "storageQueueDataContributor",
                new String[] {"974c5e8b-45b9-4653-ba55-5f855dd0fb88", "account", "principalId"});
        ROLES.put("storageBlobDataOwner", new String[] {"b7e6dc6d-f1e8-4753-8033-0f276bb0955b", "account", "principalId"
        });
        ROLES.put(
                "containerAppsJobsContributor",
                new String[] {"4e3d2b60-56ae-4dc6-a233-09c8e5a82e68", null, "principalId"});
        ROLES.put("containerAppsJobsOperator", new String[] {"b9a307c4-5aa3-4b52-ba60-2b17c136cd7b", null, "principalId"
        });
        ROLES.put(
                "managedIdentityOperator",
                new String[] {"f1a07417-d97a-45cb-824c-7a7467783830", "jobIdentity", "principalId"});
    }

    /** The role-assignment blocks of roles.bicep. */
    static List<String> assignments() {
        List<String> blocks = new ArrayList<>();
        for (String part : Bicep.read("modules/roles.bicep").split("\nresource ")) {
            if (part.contains("Microsoft.Authorization/roleAssignments@")) {
                blocks.add(part);
            }
        }
        return blocks;
    }

    @Test
    void everyRoleHasItsBuiltInIdAndIsScopedToItsResource() {
        String roles = Bicep.read("modules/roles.bicep");
        List<String> blocks = assignments();
        assertThat(blocks).hasSize(ROLES.size() + 1); // + the custom environment-join role
        ROLES.forEach((variable, expected) -> {
            assertThat(roles).contains("var " + variable + " = '" + expected[0] + "'");
            List<String> using = blocks.stream()
                    .filter(b -> b.contains("roleDefinitions', " + variable + ")"))
                    .toList();
            assertThat(using).as(variable).hasSize(1);
            String block = using.get(0);
            String scope = expected[1];
            String principal = expected[2];
            if (scope == null) { // resource-group scope: no scope property, the group's id in the name
                assertThat(block)
                        .as(variable)
                        .doesNotContain("scope:")
                        .contains("name: guid(resourceGroup().id, " + principal + ", " + variable + ")");
            } else {
                assertThat(block)
                        .as(variable)
                        .contains("scope: " + scope + "\n")
                        .contains("name: guid(" + scope + ".id, " + principal + ", " + variable + ")");
            }
            assertThat(block)
                    .as(variable)
                    .contains("principalId: " + principal + "\n")
                    .contains("principalType: 'ServicePrincipal'");
        });
    }

    @Test
    void theJobIdentityHoldsOnlyAcrPullAndTheAppOnlyAssignsTheJobIdentity() {
        List<String> job =
                assignments().stream().filter(b -> b.contains("jobPrincipalId")).toList();
        assertThat(job).hasSize(1);
        assertThat(job.get(0)).contains("roleDefinitions', acrPull)").contains("scope: registry\n");
        // the app may assign the job identity to jobs (Managed Identity Operator on it), never its own
        String main = Bicep.read("main.bicep");
        assertThat(main)
                .contains("module jobIdentity 'modules/identity.bicep'")
                .contains("jobPrincipalId: jobIdentity.outputs.principalId")
                .contains("jobIdentityName: jobIdentity.outputs.name")
                .contains("jobIdentityId: jobIdentity.outputs.id")
                .doesNotContain("identityName: identity.outputs.name");
        String roles = Bicep.read("modules/roles.bicep");
        assertThat(roles).contains("existing = {\n  name: jobIdentityName\n}").doesNotContain("param identityName");
        // jobs are given the job identity; the app's identity is its own only
        String app = Bicep.read("modules/functionapp.bicep");
        assertThat(Bicep.appSettings())
                .containsEntry("SOCKERLESS_JOB_IDENTITY", "jobIdentityId")
                .doesNotContainValue("identityId");
        assertThat(Bicep.block(app, "identity: {"))
                .contains("'${identityId}': {}")
                .doesNotContain("jobIdentityId");
    }

    @Test
    void theDurableGroupIsAlwaysReadyAndHttpConcurrencyIsSet() {
        String app = Bicep.read("modules/functionapp.bicep");
        String scale = Bicep.block(app, "scaleAndConcurrency: {");
        assertThat(Bicep.block(scale, "alwaysReady: ["))
                .contains("name: 'durable'")
                .contains("instanceCount: 1");
        assertThat(Bicep.block(scale, "http: {")).contains("perInstanceConcurrency: httpPerInstanceConcurrency");
        assertThat(app)
                .contains("param httpPerInstanceConcurrency int = 32")
                .contains("SOCKERLESS_FOLLOW_WAIT_SECONDS (20 s)");
    }

    @Test
    void theEnvironmentTypeSettingMatchesTheEnvironment() {
        assertThat(Bicep.appSettings()).containsEntry("SOCKERLESS_ACA_ENVIRONMENT_TYPE", "'workload-profiles'");
        assertThat(Bicep.block(Bicep.read("modules/environment.bicep"), "workloadProfiles: ["))
                .contains("workloadProfileType: 'Consumption'");
    }

    @Test
    void jobsAreCreatedInTheEnvironmentThroughACustomRoleWithOnlyReadAndJoin() {
        String roles = Bicep.read("modules/roles.bicep");
        String definition = roles.substring(
                roles.indexOf("resource environmentJoinRole"), roles.indexOf("resource environmentJoin '"));
        assertThat(definition)
                .contains("'Microsoft.Authorization/roleDefinitions@")
                .contains("'Microsoft.App/managedEnvironments/read'")
                .contains("'Microsoft.App/managedEnvironments/join/action'")
                .contains("resourceGroup().id");
        assertThat(definition
                        .lines()
                        .filter(l -> l.trim().startsWith("'Microsoft."))
                        .count())
                .isEqualTo(2);
        String assignment = roles.substring(roles.indexOf("resource environmentJoin '"));
        assertThat(assignment).contains("scope: environment\n").contains("roleDefinitionId: environmentJoinRole.id");
        assertThat(roles).doesNotContain("57cc5028-e6a7-4284-868d-0611c5923f8d"); // the broad built-in role
    }

    @Test
    void theRegistryHasNoAdminUser() {
        assertThat(Bicep.read("modules/registry.bicep")).contains("adminUserEnabled: false");
        for (Path file : Bicep.files()) {
            assertThat(Bicep.read(file)).as(file.toString()).doesNotContain("adminUserEnabled: true");
        }
    }

    @Test
    void logsGoToAzureMonitorByDefaultWithBothCategories() {
        assertThat(Bicep.read("main.bicep")).contains("param logsDestination string = 'azure-monitor'");
        String environment = Bicep.read("modules/environment.bicep");
        assertThat(environment)
                .contains("param logsDestination string = 'azure-monitor'")
                .contains("destination: 'azure-monitor'")
                .contains("destination: 'log-analytics'")
                .contains("if (logsDestination == 'azure-monitor')")
                .contains("scope: environment")
                .contains("category: 'ContainerAppConsoleLogs'")
                .contains("category: 'ContainerAppSystemLogs'");
        assertThat(Bicep.read("main.bicepparam")).contains("param logsDestination = 'azure-monitor'");
    }

    @Test
    void everyResourceTypeHasADatedApiVersion() {
        Pattern type = Pattern.compile("'((?:Microsoft|microsoft)\\.[A-Za-z]+/[A-Za-z/]+)@([^']*)'");
        int count = 0;
        for (Path file : Bicep.files()) {
            Matcher m = type.matcher(Bicep.read(file));
            while (m.find()) {
                count++;
                assertThat(m.group(2))
                        .as(file.getFileName() + ": " + m.group(1))
                        .matches("\\d{4}-(0[1-9]|1[0-2])-(0[1-9]|[12]\\d|3[01])(-preview)?");
            }
        }
        assertThat(count).isGreaterThan(20);
    }

    @Test
    void theFunctionAppIsJavaOnFlexConsumption() {
        String app = Bicep.read("modules/functionapp.bicep");
        assertThat(app)
                .contains("name: 'FC1'")
                .contains("tier: 'FlexConsumption'")
                .contains("name: 'java'")
                .contains("version: javaVersion")
                .contains("type: 'UserAssigned'");
        assertThat(Bicep.block(app, "@allowed([")).contains("'17'").contains("'21'");
    }

    @Test
    void theOutputsAreThere() {
        String main = Bicep.read("main.bicep");
        for (String output : List.of("appUrl", "acrLoginServer", "workspaceCustomerId", "environmentId")) {
            assertThat(main).contains("output " + output + " string = ");
        }
    }

    @Test
    void noConstructTheSyntaxCheckCannotRead() {
        for (Path file : Bicep.files()) {
            String text = Bicep.read(file);
            assertThat(text).as(file + ": spread operator").doesNotContain("...");
            assertThat(text).as(file + ": extension statement").doesNotContainPattern("(?m)^\\s*extension\\s");
        }
    }

    /** Literal secrets: keys, passwords, SAS tokens and connection strings written into a template or parameter. */
    static final List<Pattern> SECRETS = List.of(
            Pattern.compile("(?i)AccountKey="),
            Pattern.compile("(?i)SharedAccessSignature="),
            Pattern.compile("(?i)SharedAccessKey="),
            Pattern.compile("(?i)DefaultEndpointsProtocol="),
            Pattern.compile("(?i)[?&]sig="),
            Pattern.compile(
                    "(?i)\\w*(password|passwd|secret|accountKey|sharedKey|primaryKey|connectionString)\\w*\\s*[:=]\\s*'[^']+'"),
            // an account or workspace key: base64 of 64 bytes
            Pattern.compile("[A-Za-z0-9+/]{86}=="));

    @Test
    void noLiteralSecrets() {
        for (Path file : Bicep.files()) {
            String text = Bicep.read(file);
            for (Pattern secret : SECRETS) {
                assertThat(text).as(file + " must not contain " + secret).doesNotContainPattern(secret);
            }
            // The keys the templates need are read with listKeys() where they are used, never passed in.
            Matcher keys =
                    Pattern.compile("(?m)^\\s*(accountKey|sharedKey):\\s*(.+)$").matcher(text);
            while (keys.find()) {
                assertThat(keys.group(2)).as(file + ": " + keys.group(1)).contains(".listKeys().");
            }
            assertThat(text)
                    .as(file + ": no secret parameters")
                    .doesNotContainPattern("(?i)param\\s+\\w*(key|password|secret)\\w*\\s");
        }
    }

    @Test
    void theSecretPatternsCatchTheUsualLiterals() {
        List<String> literals = List.of(
                "value: 'DefaultEndpointsProtocol=https;AccountName=a;AccountKey=Zm9v;EndpointSuffix=core.windows.net'",
                "password: 'hunter2'",
                "sharedKey: 'abc'",
                "accountKey: 'Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw=='",
                "url: 'https://a.blob.core.windows.net/c?sv=2022-11-02&sig=abc'",
                "param adminPassword = 'x'");
        for (String literal : literals) {
            assertThat(SECRETS.stream().anyMatch(p -> p.matcher(literal).find()))
                    .as(literal)
                    .isTrue();
        }
        assertThat(SECRETS.stream()
                        .anyMatch(p -> p.matcher("accountKey: account.listKeys().keys[0].value")
                                .find()))
                .isFalse();
    }
}
