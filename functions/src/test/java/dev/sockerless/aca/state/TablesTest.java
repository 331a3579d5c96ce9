package dev.sockerless.aca.state;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import com.azure.data.tables.TableClient;
import com.azure.data.tables.TableServiceClient;
import com.azure.data.tables.models.TableEntity;
import dev.sockerless.aca.blobs.StorageConnection;
import dev.sockerless.aca.config.Settings;
import dev.sockerless.aca.errors.DockerApiException;
import dev.sockerless.aca.testing.SharedServices;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Identity-based state storage (a connection string without a secret is read with the app's identity), and how
 * storage failures are reported.
 */
class TablesTest {

    @Test
    void aKeylessConnectionStringNamesTheTableEndpoint() {
        assertThat(Tables.identityEndpoint(
                        "DefaultEndpointsProtocol=https;AccountName=acct;EndpointSuffix=core.windows.net"))
                .contains("https://acct.table.core.windows.net");
        assertThat(Tables.identityEndpoint("AccountName=acct")).contains("https://acct.table.core.windows.net");
        assertThat(Tables.identityEndpoint("TableEndpoint=https://t.example.com;AccountName=acct"))
                .contains("https://t.example.com");
    }

    @Test
    void secretsAndDevelopmentStorageKeepTheConnectionString() {
        assertThat(Tables.identityEndpoint("AccountName=acct;AccountKey=a2V5")).isEmpty();
        assertThat(Tables.identityEndpoint("AccountName=acct;SharedAccessSignature=sv=x"))
                .isEmpty();
        assertThat(Tables.identityEndpoint("UseDevelopmentStorage=true")).isEmpty();
        assertThat(Tables.identityEndpoint("garbage")).isEmpty();
    }

    @Test
    void anEntityOverTheServiceLimitsIsTooLargeNotStorageUnavailable() {
        TableClient table =
                Tables.ensure(Tables.serviceClient(SharedServices.azurite().connectionString()), "toolarge");
        TableEntity entity = new TableEntity("p", "entity");
        for (int i = 0; i < 17; i++) {
            entity.addProperty("Part" + i, new byte[64 * 1024]); // 1.06 MiB: over the 1 MiB entity limit
        }
        TableEntity property = new TableEntity("p", "property").addProperty("Text", "x".repeat(33 * 1024));

        Map<String, Runnable> writes = new java.util.LinkedHashMap<>();
        writes.put("upsert entity", () -> table.upsertEntity(entity));
        writes.put("update entity", () -> table.updateEntity(entity));
        writes.put("create property", () -> table.createEntity(property));
        for (Map.Entry<String, Runnable> write : writes.entrySet()) {
            Throwable thrown = catchThrowable(() -> Tables.call(write.getValue()));
            assertThat(thrown)
                    .as(write.getKey())
                    .isInstanceOf(DockerApiException.class)
                    .hasMessageStartingWith("the record is too large for the state storage (Azure Table Storage)")
                    .hasMessageMatching("(?s).*(EntityTooLarge|PropertyValueTooLarge|RequestBodyTooLarge|status 413)$");
            assertThat(((DockerApiException) thrown).kind()).isEqualTo(DockerApiException.Kind.INVALID_PARAMETER);
        }
    }

    @Test
    void theDeployedSettingsGiveIdentityClientsForTablesAndBlobs() {
        String connection = Settings.of(Map.of(Settings.STORAGE_ACCOUNT_NAME, "sockerlessst1"))
                .stateStorageConnection();
        TableServiceClient tables = Tables.serviceClient(connection); // builds without any network call
        assertThat(tables.getServiceEndpoint()).isEqualTo("https://sockerlessst1.table.core.windows.net");
        StorageConnection blobs = StorageConnection.parse(connection);
        assertThat(blobs.blobEndpoint()).hasToString("https://sockerlessst1.blob.core.windows.net");
        assertThat(blobs.hasSecret()).isFalse();
    }
}
