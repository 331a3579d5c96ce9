package dev.sockerless.aca.state;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.azure.data.tables.TableServiceClient;
import dev.sockerless.aca.containers.ContainerRecord;
import dev.sockerless.aca.containers.ContainerStore;
import dev.sockerless.aca.containers.ContainerStoreContract;
import dev.sockerless.aca.containers.Execution;
import dev.sockerless.aca.testing.SharedServices;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class TableStorageContainerStoreTest extends ContainerStoreContract {

    private TableServiceClient service;

    @Override
    protected ContainerStore createStore() {
        ContainerStore created = new TableStorageContainerStore(
                Tables.serviceClient(SharedServices.azurite().connectionString())); // creates the table
        service = SharedServices.emptiedTables(TableStorageContainerStore.CONTAINERS);
        return created;
    }

    @Test
    void containersSurviveANewStoreInstance() {
        ContainerRecord c = container("b" + "1".repeat(63), "persisted");
        store.create(c);

        ContainerStore restarted = new TableStorageContainerStore(
                Tables.serviceClient(SharedServices.azurite().connectionString()));

        assertThat(restarted.find(c.id())).contains(c);
        assertThat(restarted.findByName("persisted")).contains(c);
    }

    @Test
    void anExecutionWriteThatRacesAnotherIsConditionalAndNeverTakesAFinishedOneBackToRunning() {
        TableStorageContainerStore racing = new TableStorageContainerStore(service);
        ContainerRecord c = container("c" + "1".repeat(63), "raced");
        store.create(c);
        Instant t = Instant.parse("2025-01-02T03:04:05Z");
        store.saveExecution(c.id(), new Execution("sl-raced-exec-1", "Running", null, t, null));
        Execution succeeded = new Execution("sl-raced-exec-1", "Succeeded", 0, t, t.plusSeconds(5));
        int[] races = {0};
        // a late "Running" report has read the record; the poller's "Succeeded" lands before it writes
        racing.beforeExecutionWrite = () -> {
            if (races[0]++ == 0) {
                store.saveExecution(c.id(), succeeded);
            }
        };
        assertThatThrownBy(
                        () -> racing.saveExecution(c.id(), new Execution("sl-raced-exec-1", "Running", null, t, null)))
                .hasMessageContaining("already ended Succeeded");
        assertThat(races[0]).isEqualTo(1);
        assertThat(store.find(c.id()).orElseThrow().execution()).isEqualTo(succeeded);
    }
}
