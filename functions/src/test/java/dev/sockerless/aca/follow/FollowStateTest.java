package dev.sockerless.aca.follow;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.sockerless.aca.errors.DockerApiException;
import dev.sockerless.aca.logs.FollowRow;
import dev.sockerless.aca.logs.LogTable;
import dev.sockerless.aca.logs.LogTarget;
import dev.sockerless.aca.logs.StreamType;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** The pure follow decisions: dedupe/merge of late rows, the state and cursor formats, the poll query. */
class FollowStateTest {

    static final Instant T = Instant.parse("2025-06-01T10:00:00Z");
    static final Instant I = Instant.parse("2025-06-01T10:01:00Z");
    static final Duration OVERLAP = Duration.ofSeconds(30);

    static FollowRow row(int tsMillis, int ingSeconds, String text) {
        return new FollowRow(
                T.plusMillis(tsMillis), I.plusSeconds(ingSeconds), "web-abc1234-r1", "web", StreamType.STDOUT, text);
    }

    static List<String> texts(FollowState.Merge m) {
        return m.lines().stream().map(l -> l.line().text()).toList();
    }

    @Test
    void firstMergeDeliversEverythingInLineTimeOrderNumberedFromZero() {
        FollowState.Merge m = FollowState.start("web-abc1234", T)
                .merge(List.of(row(3, 1, "c"), row(1, 2, "a"), row(2, 3, "b")), OVERLAP, T);
        assertThat(texts(m)).containsExactly("a", "b", "c");
        assertThat(m.lines()).extracting(CachedLine::seq).containsExactly(0L, 1L, 2L);
        assertThat(m.state().primed()).isTrue();
        assertThat(m.state().nextSeq()).isEqualTo(3);
        assertThat(m.state().lastIngestion()).isEqualTo(I.plusSeconds(3));
        assertThat(m.state().queryFrom(OVERLAP)).isEqualTo(I.plusSeconds(3).minus(OVERLAP));
    }

    @Test
    void rowsSeenAgainInTheOverlapAreNotDeliveredTwiceAndLateRowsAreDeliveredOnce() {
        FollowState s = FollowState.start("web-abc1234", T)
                .merge(List.of(row(1, 1, "a"), row(2, 2, "b")), OVERLAP, T)
                .state();
        // the next poll sees a and b again (overlap), plus a late row with an older line time and ingestion time
        FollowState.Merge m =
                s.merge(List.of(row(1, 1, "a"), row(2, 2, "b"), row(0, 0, "late"), row(5, 4, "d")), OVERLAP, T);
        assertThat(texts(m)).containsExactly("late", "d");
        assertThat(m.lines()).extracting(CachedLine::seq).containsExactly(2L, 3L);
        FollowState.Merge again = m.state().merge(List.of(row(0, 0, "late"), row(5, 4, "d")), OVERLAP, T);
        assertThat(again.lines()).isEmpty();
    }

    @Test
    void identicalLinesOfTheSameTickAreCountedNotCollapsed() {
        FollowState s = FollowState.start("x", T)
                .merge(List.of(row(1, 1, "same"), row(1, 1, "same")), OVERLAP, T)
                .state();
        assertThat(s.nextSeq()).isEqualTo(2);
        // a third identical line arrives later; the two known are returned again by the overlap
        FollowState.Merge m = s.merge(List.of(row(1, 1, "same"), row(1, 1, "same"), row(1, 5, "same")), OVERLAP, T);
        assertThat(texts(m)).containsExactly("same");
    }

    @Test
    void keysOlderThanTheOverlapAreForgotten() {
        FollowState s = FollowState.start("x", T)
                .merge(List.of(row(1, 0, "a")), OVERLAP, T)
                .state();
        s = s.merge(List.of(row(2, 100, "b")), OVERLAP, T).state();
        assertThat(s.recent()).hasSize(1);
    }

    /** A stand-in for the poll query of one container: the rows ingested at or after {@code from} (null: all). */
    static List<FollowRow> ingestedFrom(List<FollowRow> all, Instant from) {
        return all.stream()
                .filter(r -> from == null || !r.ingested().isBefore(from))
                .toList();
    }

    @Test
    void aChattyContainerKeepsItsStateBoundedWithoutDuplicatingOrLosingLines() {
        // 30,000 lines in one tick, ingested 1 ms apart: all inside the 30 s overlap
        List<FollowRow> all = new java.util.ArrayList<>();
        for (int i = 0; i < 30_000; i++) {
            all.add(new FollowRow(
                    T.plusMillis(i), I.plusMillis(i), "web-abc1234-r1", "web", StreamType.STDOUT, "line " + i));
        }
        List<String> delivered = new java.util.ArrayList<>();
        FollowState s = FollowState.start("web-abc1234", T);
        FollowState.Merge m = s.merge(ingestedFrom(all, s.queryFrom(OVERLAP)), OVERLAP, T);
        delivered.addAll(texts(m));
        s = m.state();
        assertThat(s.toJson().length()).isLessThanOrEqualTo(FollowState.RECENT_CHARS + 1_000);
        assertThat(FollowState.fromJson(s.toJson())).isEqualTo(s);
        // the next ticks see the overlap again, plus new lines (one ingested at the same time as the newest)
        for (int tick = 1; tick <= 3; tick++) {
            for (int i = 0; i < 100; i++) {
                int n = 30_000 + tick * 100 + i;
                all.add(new FollowRow(
                        T.plusMillis(n),
                        I.plusMillis(29_999 + tick * 10 + i / 10),
                        "web-abc1234-r1",
                        "web",
                        StreamType.STDOUT,
                        "line " + n));
            }
            m = s.merge(ingestedFrom(all, s.queryFrom(OVERLAP)), OVERLAP, T);
            delivered.addAll(texts(m));
            s = m.state();
            assertThat(s.toJson().length()).isLessThanOrEqualTo(FollowState.RECENT_CHARS + 1_000);
        }
        m = s.merge(ingestedFrom(all, s.queryFrom(OVERLAP)), OVERLAP, T);
        assertThat(m.lines()).isEmpty();
        assertThat(delivered).hasSize(30_300).doesNotHaveDuplicates();
        assertThat(s.nextSeq()).isEqualTo(30_300);
    }

    @Test
    void stateRoundTripsThroughJson() {
        FollowState s = FollowState.start("x", T)
                .merge(List.of(row(1, 1, "a"), row(1, 1, "a")), OVERLAP, T)
                .state()
                .withTerminal(T.plusSeconds(9), true, T.plusSeconds(10));
        assertThat(FollowState.fromJson(s.toJson())).isEqualTo(s);
    }

    @Test
    void cursorRoundTripsAndRejectsGarbage() {
        FollowCursor c = new FollowCursor("abc", "web-1", 42, true, false, Optional.of(T), Optional.empty(), 5, true);
        assertThat(FollowCursor.decode(c.encode())).isEqualTo(c);
        assertThat(c.encode()).matches("[A-Za-z0-9_-]+");
        assertThatThrownBy(() -> FollowCursor.decode("not a cursor")).isInstanceOf(DockerApiException.class);
        assertThatThrownBy(() -> FollowCursor.decode("e30")).isInstanceOf(DockerApiException.class); // {}
    }

    @Test
    void planAsksForAllExecutionsInOneQueryAndFansRowsOut() {
        LogTarget a = new LogTarget("web", "web-abc1234", "web", Map.of(), false);
        LogTarget b = new LogTarget("db", "db-x1", "db", Map.of(), false);
        FollowPlan plan =
                new FollowPlan(List.of(new FollowPlan.Item("c1", a, null), new FollowPlan.Item("c2", b, I)), T);
        String kql = plan.kql(LogTable.AUTO, 1000);
        assertThat(kql)
                .contains("((replica startswith @'web-abc1234-'" + " and container == @'web'))")
                .contains("or ((replica startswith @'db-x1-' and container == @'db')"
                        + " and ing >= datetime(2025-06-01T10:01:00.0000000Z))")
                .contains("| where TimeGenerated >= datetime(2025-06-01T10:00:00.0000000Z)")
                .endsWith("| take 1000");
        Map<String, List<FollowRow>> out = plan.fanOut(List.of(
                row(1, 1, "w"),
                new FollowRow(T, I, "db-x1-r", "db", StreamType.STDERR, "d"),
                new FollowRow(T, I, "db-x2-r", "db", StreamType.STDERR, "other execution"),
                new FollowRow(T, I, "db-x1z-r", "db", StreamType.STDERR, "a longer execution name")));
        assertThat(out.get("c1")).extracting(FollowRow::text).containsExactly("w");
        assertThat(out.get("c2")).extracting(FollowRow::text).containsExactly("d");
        assertThatThrownBy(() -> new FollowPlan(
                        List.of(new FollowPlan.Item("c", new LogTarget("bad'name", "x", "y", Map.of(), false), null)),
                        T))
                .isInstanceOf(DockerApiException.class);
    }
}
