package dev.sockerless.aca.state;

import com.azure.data.tables.TableServiceClient;
import dev.sockerless.aca.logs.LogCache;
import dev.sockerless.aca.logs.LogCacheContract;
import dev.sockerless.aca.testing.SharedServices;
import org.junit.jupiter.api.BeforeEach;

/** The follow cache's contract against Table Storage (Azurite). */
class TableStorageLogCacheTest extends LogCacheContract {

    private TableStorageLogCache cache;

    @BeforeEach
    void fresh() {
        TableServiceClient service =
                Tables.serviceClient(SharedServices.azurite().connectionString());
        service.deleteTable(TableStorageLogCache.TABLE);
        cache = new TableStorageLogCache(service);
    }

    @Override
    protected LogCache cache() {
        return cache;
    }
}
