package dev.sockerless.aca.testing;

import com.azure.data.tables.TableClient;
import com.azure.data.tables.TableServiceClient;
import com.azure.data.tables.models.ListEntitiesOptions;
import dev.sockerless.aca.azurite.Azurite;
import dev.sockerless.aca.state.Tables;
import java.util.List;

/**
 * JVM-wide test services started lazily on first use and stopped by a shutdown hook, so that many test classes
 * share one Azurite and one anonymous registry. Tests must not close them; use distinct repository and table
 * names per test to avoid interference.
 */
public final class SharedServices {

    private static Azurite azurite;
    private static RegistryServer anonymousRegistry;
    private static boolean hookInstalled;

    private SharedServices() {}

    /** The shared Azurite, started on first call. */
    public static synchronized Azurite azurite() {
        if (azurite == null) {
            installHook();
            azurite = Azurite.inMemory();
        }
        return azurite;
    }

    /** A client for the shared Azurite's tables, with every entity of {@code tables} deleted (earlier tests wrote them). */
    public static TableServiceClient emptiedTables(String... tables) {
        TableServiceClient service = Tables.serviceClient(azurite().connectionString());
        for (String name : tables) {
            TableClient table = service.getTableClient(name);
            table.listEntities(new ListEntitiesOptions().setSelect(List.of("PartitionKey", "RowKey")), null, null)
                    .forEach(e -> table.deleteEntity(e.getPartitionKey(), e.getRowKey()));
        }
        return service;
    }

    /** The shared anonymous {@link RegistryServer}, started on first call. */
    public static synchronized RegistryServer anonymousRegistry() {
        if (anonymousRegistry == null) {
            installHook();
            anonymousRegistry = RegistryServer.anonymous();
        }
        return anonymousRegistry;
    }

    private static void installHook() {
        if (!hookInstalled) {
            Runtime.getRuntime().addShutdownHook(new Thread(SharedServices::stopAll, "shared-services-stop"));
            hookInstalled = true;
        }
    }

    private static synchronized void stopAll() {
        if (anonymousRegistry != null) {
            anonymousRegistry.close();
            anonymousRegistry = null;
        }
        if (azurite != null) {
            azurite.close();
            azurite = null;
        }
    }
}
