package dev.sockerless.aca.testing;

import static org.assertj.core.api.Assertions.assertThat;

import com.azure.data.tables.TableClient;
import com.azure.data.tables.TableServiceClient;
import com.azure.data.tables.models.TableEntity;
import dev.sockerless.aca.azurite.Azurite;
import org.junit.jupiter.api.Test;

/** The shared Azurite (the launcher itself is tested in the azurite module): one instance, tables through the SDK. */
class SharedServicesTest {

    @Test
    void oneAzuriteServesTablesAndEmptiedTablesDeletesWhatEarlierTestsWrote() {
        Azurite azurite = SharedServices.azurite();
        assertThat(SharedServices.azurite()).isSameAs(azurite);

        TableServiceClient service = SharedServices.emptiedTables();
        TableClient table = service.createTableIfNotExists("testinfra");
        table = table == null ? service.getTableClient("testinfra") : table;
        table.upsertEntity(new TableEntity("p", "r").addProperty("answer", 42));
        assertThat(table.getEntity("p", "r").getProperty("answer")).isEqualTo(42);

        TableClient emptied = SharedServices.emptiedTables("testinfra").getTableClient("testinfra");
        assertThat(emptied.listEntities()).isEmpty();
    }
}
