package dev.sockerless.aca.infra;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.sockerless.aca.config.Settings;
import dev.sockerless.aca.config.Settings.Key;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * The Function App's app settings in Bicep against the app's own settings ({@link Settings.Key}) and
 * {@code local.settings.json.example}. Every key without a default must be deliberately classified here: set by the
 * Bicep (it names a deployed resource), or optional. A new required setting fails this test until it is wired.
 */
class FunctionAppSettingsTest {

    /** Keys whose value comes from a deployed resource: the Bicep must set each one, to this expression. */
    static final Map<Key, String> WIRED = Map.ofEntries(
            Map.entry(Key.SOCKERLESS_ACA_ENVIRONMENT_TYPE, "'workload-profiles'"),
            Map.entry(Key.SOCKERLESS_JOB_IDENTITY, "jobIdentityId"),
            Map.entry(Key.SOCKERLESS_ACA_LOCATION, "location"),
            Map.entry(Key.SOCKERLESS_STAGING_REGISTRY, "'${registryLoginServer}/${stagingNamespace}'"),
            Map.entry(Key.SOCKERLESS_ACA_ENVIRONMENT_ID, "environmentId"),
            Map.entry(Key.SOCKERLESS_LOG_ANALYTICS_WORKSPACE_ID, "workspaceCustomerId"),
            Map.entry(Key.SOCKERLESS_AGENT_MODE, "'azure-files'"),
            Map.entry(Key.SOCKERLESS_AGENT_STORAGE_NAME, "agentStorageName"),
            Map.entry(
                    Key.SOCKERLESS_LOG_TABLE,
                    "logsDestination == 'log-analytics' ? 'ContainerAppConsoleLogs_CL' : 'ContainerAppConsoleLogs'"));

    /** Keys without a default that a deployment may leave unset, and why. */
    static final Map<Key, String> OPTIONAL_WITHOUT_DEFAULT = Map.of(
            Key.SOCKERLESS_STATE_STORAGE, "falls back to the host storage",
            Key.SOCKERLESS_AGENT_IMAGE, "init-container mode only; the Bicep uses azure-files");

    /** Set through the identity-based host form instead of a connection string (see Settings.STORAGE_ACCOUNT_NAME). */
    static final Set<Key> IDENTITY_BASED = EnumSet.of(Key.AzureWebJobsStorage);

    /** Local host settings: never app settings of a deployment. Only SOCKERLESS_LISTEN is a Key. */
    static final Set<String> LOCAL_ONLY = Set.of(
            "SOCKERLESS_LISTEN",
            "SOCKERLESS_LOCAL_KEYS",
            "SOCKERLESS_LOCAL_RESPONSE_TIMEOUT_SECONDS",
            "SOCKERLESS_AZURITE_LOCATION");

    /** Host and SDK settings the Bicep sets that are not the app's keys. */
    static final Map<String, String> HOST_SETTINGS = Map.of(
            Settings.STORAGE_ACCOUNT_NAME,
            "storageAccountName",
            "AzureWebJobsStorage__credential",
            "'managedidentity'",
            "AzureWebJobsStorage__clientId",
            "identityClientId",
            "AZURE_CLIENT_ID",
            "identityClientId",
            // the Java worker's JVM arguments after its defaults (C2 back on: localhost JvmOptionsTest, README)
            "languageWorkers__java__arguments",
            "'-XX:TieredStopAtLevel=4'");

    @Test
    void everyKeyWithoutADefaultIsClassified() {
        Set<Key> classified = EnumSet.noneOf(Key.class);
        classified.addAll(WIRED.keySet());
        classified.addAll(OPTIONAL_WITHOUT_DEFAULT.keySet());
        classified.addAll(IDENTITY_BASED);
        for (Key key : Key.values()) {
            if (key.defaultValue().isEmpty()) {
                assertThat(classified)
                        .as(key + " has no default: wire it in bicep/modules/functionapp.bicep or"
                                + " declare it optional here")
                        .contains(key);
            }
        }
        assertThat(OPTIONAL_WITHOUT_DEFAULT.keySet())
                .allMatch(k -> k.defaultValue().isEmpty());
    }

    @Test
    void theBicepSetsEveryWiredSettingToItsResource() {
        Map<String, String> settings = Bicep.appSettings();
        WIRED.forEach((key, expression) -> assertThat(settings).as(key.name()).containsEntry(key.name(), expression));
        HOST_SETTINGS.forEach(
                (name, expression) -> assertThat(settings).as(name).containsEntry(name, expression));
        // Identity-based host storage: no connection string.
        assertThat(settings).doesNotContainKey(Key.AzureWebJobsStorage.name());
    }

    @Test
    void theBicepSetsNoSettingUnknownToTheApp() {
        Set<String> keys = Arrays.stream(Key.values()).map(Key::name).collect(Collectors.toSet());
        for (String name : Bicep.appSettings().keySet()) {
            assertThat(keys.contains(name) || HOST_SETTINGS.containsKey(name))
                    .as("app setting " + name + " is neither a Settings.Key nor a known host setting")
                    .isTrue();
            assertThat(LOCAL_ONLY).as(name + " is a local host setting").doesNotContain(name);
        }
        // Flex Consumption rejects these as app settings (the runtime is functionAppConfig.runtime).
        assertThat(Bicep.appSettings()).doesNotContainKeys("FUNCTIONS_WORKER_RUNTIME", "FUNCTIONS_EXTENSION_VERSION");
    }

    @Test
    void theWiredValuesComeFromTheResourcesTheyName() {
        String main = Bicep.block(Bicep.read("main.bicep"), "module functionApp 'modules/functionapp.bicep' = {");
        assertThat(main)
                .contains("registryLoginServer: registry.outputs.loginServer")
                .contains("environmentId: environment.outputs.id")
                .contains("workspaceCustomerId: monitoring.outputs.customerId")
                .contains("agentStorageName: environment.outputs.agentStorageName")
                .contains("identityId: identity.outputs.id")
                .contains("identityClientId: identity.outputs.clientId")
                .contains("jobIdentityId: jobIdentity.outputs.id")
                .contains("storageAccountName: storage.outputs.name")
                .contains("logsDestination: logsDestination");
        assertThat(Bicep.read("modules/monitoring.bicep"))
                .contains("output customerId string = workspace.properties.customerId");
    }

    @Test
    void theStorageModuleCreatesTheUploadsContainerThatFromBlobReads() {
        String uploads = Bicep.block(
                Bicep.read("modules/storage.bicep"),
                "resource uploadsContainer 'Microsoft.Storage/storageAccounts/blobServices/containers@2023-05-01' = {");
        assertThat(uploads)
                .contains("name: '"
                        + Key.SOCKERLESS_LOAD_BLOB_CONTAINER.defaultValue().orElseThrow() + "'")
                .contains("publicAccess: 'None'");
        assertThat(Bicep.appSettings()).doesNotContainKey(Key.SOCKERLESS_LOAD_BLOB_CONTAINER.name()); // the default
    }

    @Test
    void everyRequiredSettingIsInTheLocalExample() throws Exception {
        JsonNode values = new ObjectMapper()
                .readTree(Bicep.ROOT.resolve("local.settings.json.example").toFile())
                .path("Values");
        for (Key key : Key.values()) {
            if (key.defaultValue().isEmpty()) {
                assertThat(values.has(key.name())).as(key.name()).isTrue();
            }
        }
        Set<String> known = Arrays.stream(Key.values()).map(Key::name).collect(Collectors.toSet());
        values.fieldNames()
                .forEachRemaining(name -> assertThat(known.contains(name) || name.startsWith("FUNCTIONS_"))
                        .as("local.settings.json.example: " + name + " is unknown to the app")
                        .isTrue());
    }
}
