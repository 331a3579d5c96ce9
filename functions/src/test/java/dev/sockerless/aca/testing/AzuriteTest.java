package dev.sockerless.aca.testing;

import static org.assertj.core.api.Assertions.assertThat;

import com.azure.data.tables.TableClient;
import com.azure.data.tables.TableServiceClient;
import com.azure.data.tables.TableServiceClientBuilder;
import com.azure.data.tables.models.TableEntity;
import dev.sockerless.aca.azurite.Azurite;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import org.junit.jupiter.api.Test;

class AzuriteTest {

    @Test
    void sharedAzuriteServesTablesWithTheConnectionString() throws Exception {
        Azurite azurite = SharedServices.azurite();
        assertThat(SharedServices.azurite()).isSameAs(azurite);
        assertThat(azurite.connectionString())
                .contains("AccountName=devstoreaccount1")
                .contains("TableEndpoint=http://127.0.0.1:" + azurite.tablePort() + "/devstoreaccount1;");

        HttpResponse<Void> root = HttpClient.newHttpClient()
                .send(
                        HttpRequest.newBuilder(URI.create(azurite.tableEndpoint() + "/Tables"))
                                .build(),
                        HttpResponse.BodyHandlers.discarding());
        assertThat(root.statusCode()).isEqualTo(403);

        TableServiceClient service = new TableServiceClientBuilder()
                .connectionString(azurite.connectionString())
                .buildClient();
        TableClient table = service.createTableIfNotExists("testinfra");
        table = table == null ? service.getTableClient("testinfra") : table;
        table.upsertEntity(new TableEntity("p", "r").addProperty("answer", 42));
        assertThat(table.getEntity("p", "r").getProperty("answer")).isEqualTo(42);
    }
}
