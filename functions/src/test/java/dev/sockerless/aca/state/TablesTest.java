package dev.sockerless.aca.state;

import com.azure.data.tables.TableServiceClient;
import dev.sockerless.aca.blobs.StorageConnection;
import dev.sockerless.aca.config.Settings;
import org.junit.jupiter.api.Test;

import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** Identity-based state storage: a connection string without a secret is read with the app's identity. */
class TablesTest {

    @Test
    void aKeylessConnectionStringNamesTheTableEndpoint() {
        assertThat(Tables.identityEndpoint("DefaultEndpointsProtocol=https;AccountName=acct;EndpointSuffix=core.windows.net"))
                .contains("https://acct.table.core.windows.net");
        assertThat(Tables.identityEndpoint("AccountName=acct")).contains("https://acct.table.core.windows.net");
        assertThat(Tables.identityEndpoint("TableEndpoint=https://t.example.com;AccountName=acct"))
                .contains("https://t.example.com");
    }

    @Test
    void secretsAndDevelopmentStorageKeepTheConnectionString() {
        assertThat(Tables.identityEndpoint("AccountName=acct;AccountKey=a2V5")).isEmpty();
        assertThat(Tables.identityEndpoint("AccountName=acct;SharedAccessSignature=sv=x")).isEmpty();
        assertThat(Tables.identityEndpoint("UseDevelopmentStorage=true")).isEmpty();
        assertThat(Tables.identityEndpoint("garbage")).isEmpty();
    }

    @Test
    void theDeployedSettingsGiveIdentityClientsForTablesAndBlobs() {
        String connection = Settings.of(Map.of(Settings.STORAGE_ACCOUNT_NAME, "sockerlessst1")).stateStorageConnection();
        TableServiceClient tables = Tables.serviceClient(connection); // builds without any network call
        assertThat(tables.getServiceEndpoint()).isEqualTo("https://sockerlessst1.table.core.windows.net");
        StorageConnection blobs = StorageConnection.parse(connection);
        assertThat(blobs.blobEndpoint()).hasToString("https://sockerlessst1.blob.core.windows.net");
        assertThat(blobs.hasSecret()).isFalse();
    }
}
