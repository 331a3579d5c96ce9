package dev.sockerless.aca.state;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.azure.data.tables.TableServiceClient;
import dev.sockerless.aca.errors.DockerApiException;
import dev.sockerless.aca.follow.FollowState;
import dev.sockerless.aca.follow.LogCache;
import dev.sockerless.aca.follow.LogCacheContract;
import dev.sockerless.aca.logs.FollowRow;
import dev.sockerless.aca.logs.StreamType;
import dev.sockerless.aca.testing.SharedServices;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The follow cache's contract against Table Storage (Azurite). */
class TableStorageLogCacheTest extends LogCacheContract {

    static final Instant T = Instant.parse("2026-12-03T10:00:00Z");
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

    @Test
    void aChattyContainersStateAndLinesAreStoredWithoutTheEntityLimitRefusingThem() {
        List<FollowRow> rows = new ArrayList<>();
        for (int i = 0; i < 30_000; i++) {
            rows.add(new FollowRow(
                    T.plusMillis(i), T.plusMillis(i), "web-abc1234-r1", "web", StreamType.STDOUT, "line " + i));
        }
        FollowState.Merge m = FollowState.start("web-abc1234", T).merge(rows, Duration.ofSeconds(30), T);
        cache.append("chatty", m.lines(), null, m.state());
        assertThat(cache.state("chatty")).contains(m.state());
        assertThat(cache.read("chatty", "web-abc1234", 29_990, 100)).hasSize(10);
    }

    @Test
    void theWatermarkHoldsTensOfThousandsOfContainersAndRefusesMoreWithAClearMessage() {
        Map<String, String> marks = new HashMap<>();
        for (int i = 0; i < 20_000; i++) {
            marks.put(String.format("%064x", i), "sl-job-" + i + "-abc1234:" + i + ":p");
        }
        cache.publishMarks(marks);
        assertThat(cache.marks()).isEqualTo(marks);
        marks.put(String.format("%064x", 7), "sl-job-7-abc1234:8:p");
        marks.remove(String.format("%064x", 8));
        cache.publishMarks(marks); // the changed shards only
        assertThat(cache.marks()).isEqualTo(marks);
        assertThat(new TableStorageLogCache(
                                Tables.serviceClient(SharedServices.azurite().connectionString()))
                        .marks())
                .isEqualTo(marks);

        Map<String, String> tooMany = new HashMap<>();
        for (int i = 0; i < 80_000; i++) {
            tooMany.put(String.format("%064x", i), "sl-job-" + i + "-abc1234:" + i + ":p");
        }
        assertThatThrownBy(() -> cache.publishMarks(tooMany))
                .isInstanceOf(DockerApiException.class)
                .hasMessageContaining("the follow watermark is full: 80000 followed containers");
        assertThat(cache.marks()).isEqualTo(marks); // nothing written
    }
}
