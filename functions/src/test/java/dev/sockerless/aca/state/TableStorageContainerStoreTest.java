package dev.sockerless.aca.state;

import com.azure.data.tables.TableClient;
import com.azure.data.tables.TableServiceClient;
import com.azure.data.tables.models.ListEntitiesOptions;
import dev.sockerless.aca.containers.ContainerRecord;
import dev.sockerless.aca.containers.ContainerStore;
import dev.sockerless.aca.containers.ContainerStoreContract;
import dev.sockerless.aca.testing.SharedServices;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class TableStorageContainerStoreTest extends ContainerStoreContract {

    private TableServiceClient service;

    @Override
    protected ContainerStore createStore() {
        service = Tables.serviceClient(SharedServices.azurite().connectionString());
        ContainerStore created = new TableStorageContainerStore(service);
        TableClient table = service.getTableClient(TableStorageContainerStore.CONTAINERS);
        table.listEntities(new ListEntitiesOptions().setSelect(List.of("PartitionKey", "RowKey")), null, null)
                .forEach(e -> table.deleteEntity(e.getPartitionKey(), e.getRowKey()));
        return created;
    }

    @Test
    void containersSurviveANewStoreInstance() {
        ContainerRecord c = container("b" + "1".repeat(63), "persisted");
        store.create(c);

        ContainerStore restarted = new TableStorageContainerStore(Tables.serviceClient(SharedServices.azurite().connectionString()));

        assertThat(restarted.find(c.id())).contains(c);
        assertThat(restarted.findByName("persisted")).contains(c);
    }
}
