package dev.sockerless.aca.follow;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.sockerless.aca.errors.DockerApiException;
import dev.sockerless.aca.logs.LogLine;
import dev.sockerless.aca.logs.StreamType;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** What every follow cache must do; run against the in-memory one and Table Storage (Azurite). */
public abstract class LogCacheContract {

    protected abstract LogCache cache();

    static final Instant T0 = Instant.parse("2026-11-28T10:00:00.1234567Z");

    static List<CachedLine> lines(long from, int n) {
        List<CachedLine> out = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            out.add(new CachedLine(
                    from + i,
                    new LogLine(
                            T0.plusMillis(from + i),
                            i % 3 == 0 ? StreamType.STDERR : StreamType.STDOUT,
                            "line " + (from + i) + " ünïcødé 'quoted'")));
        }
        return out;
    }

    static FollowState state(String execution, long nextSeq, Instant updated) {
        return new FollowState(
                execution, true, false, nextSeq, T0, Map.of("k", new FollowState.Seen(2, T0)), null, updated, null);
    }

    @Test
    void readersMarkContainersFollowedAndAFreshMarkSurvivesAnUnfollow() {
        LogCache c = cache();
        c.markRead("c1", T0);
        c.markRead("c2", T0);
        assertThat(c.followers()).extracting(LogCache.Follower::containerId).containsExactlyInAnyOrder("c1", "c2");
        LogCache.Follower seen = c.followers().stream()
                .filter(f -> f.containerId().equals("c1"))
                .findFirst()
                .orElseThrow();
        c.markRead("c1", T0.plusSeconds(5)); // a reader came back after the poller looked
        assertThat(c.unfollow(seen)).isFalse();
        assertThat(c.followers()).extracting(LogCache.Follower::containerId).contains("c1");
        LogCache.Follower now = c.followers().stream()
                .filter(f -> f.containerId().equals("c1"))
                .findFirst()
                .orElseThrow();
        assertThat(now.lastReadAt()).isEqualTo(T0.plusSeconds(5));
        assertThat(c.unfollow(now)).isTrue();
        assertThat(c.followers()).extracting(LogCache.Follower::containerId).containsExactly("c2");
    }

    @Test
    void appendedLinesReadBackInOrderAcrossManyEntitiesWithTheirState() {
        LogCache c = cache();
        c.append("c1", lines(0, 1203), state("exec-1", 1203, T0));
        c.append("c1", lines(1203, 7), state("exec-1", 1210, T0.plusSeconds(2)));

        assertThat(c.state("c1")).get().satisfies(s -> {
            assertThat(s.nextSeq()).isEqualTo(1210);
            assertThat(s.recent()).containsKey("k");
        });
        List<CachedLine> all = c.read("c1", "exec-1", 0, 5000);
        assertThat(all).hasSize(1210);
        assertThat(all).isEqualTo(lines(0, 1210));
        assertThat(c.read("c1", "exec-1", 600, 10)).isEqualTo(lines(600, 10));
        assertThat(c.read("c1", "exec-1", 1210, 10)).isEmpty();
        assertThat(c.read("c1", "other-exec", 0, 10)).isEmpty();
    }

    @Test
    void quotesInKeysAreValuesNotFilterSyntax() {
        LogCache c = cache();
        String id = "it's";
        String execution = "x' or RowKey ne 'y";
        c.append(id, lines(0, 3), state(execution, 3, T0));
        c.append("other", lines(0, 2), state("y", 2, T0));
        assertThat(c.read(id, execution, 0, 10)).isEqualTo(lines(0, 3));
        assertThat(c.read(id, "x", 0, 10)).isEmpty();
        c.delete(id);
        assertThat(c.read(id, execution, 0, 10)).isEmpty();
        assertThat(c.read("other", "y", 0, 10)).hasSize(2);
    }

    @Test
    void aDuplicatedPollCannotInterleaveWithTheOneThatWroteFirst() {
        LogCache c = cache();
        c.append("c1", lines(0, 5), null, state("exec-1", 5, T0));
        FollowState read = c.state("c1").orElseThrow();
        // two polls read the same state; the first writes 1,500+ lines (several transactions), the second is late
        c.append("c1", lines(5, 1600), read, state("exec-1", 1605, T0.plusSeconds(2)));
        List<CachedLine> other = new ArrayList<>();
        for (CachedLine l : lines(5, 2000)) {
            other.add(new CachedLine(l.seq(), new LogLine(l.line().time(), l.line().stream(), "duplicate " + l.seq())));
        }
        assertThatThrownBy(() -> c.append("c1", other, read, state("exec-1", 2005, T0.plusSeconds(2))))
                .satisfies(
                        e -> assertThat(((DockerApiException) e).kind()).isEqualTo(DockerApiException.Kind.CONFLICT));
        assertThat(c.state("c1").orElseThrow().nextSeq()).isEqualTo(1605);
        List<CachedLine> written = new ArrayList<>(lines(0, 5));
        written.addAll(lines(5, 1600));
        assertThat(c.read("c1", "exec-1", 0, 5000)).isEqualTo(written);
        // a second first write of a new container loses too
        assertThatThrownBy(() -> c.append("c1", lines(0, 1), null, state("exec-1", 1, T0)))
                .satisfies(
                        e -> assertThat(((DockerApiException) e).kind()).isEqualTo(DockerApiException.Kind.CONFLICT));
    }

    @Test
    void deleteForgetsEverythingAndPurgeOnlyTheStale() {
        LogCache c = cache();
        c.markRead("gone", T0);
        c.append("gone", lines(0, 3), state("exec-g", 3, T0));
        c.append("old", lines(0, 2), state("exec-o", 2, T0.minusSeconds(3600)));
        c.append("fresh", lines(0, 2), state("exec-f", 2, T0));

        c.delete("gone");
        assertThat(c.state("gone")).isEmpty();
        assertThat(c.read("gone", "exec-g", 0, 10)).isEmpty();
        assertThat(c.followers()).extracting(LogCache.Follower::containerId).doesNotContain("gone");

        assertThat(c.purge(T0.minusSeconds(60))).isEqualTo(1);
        assertThat(c.state("old")).isEmpty();
        assertThat(c.read("old", "exec-o", 0, 10)).isEmpty();
        assertThat(c.read("fresh", "exec-f", 0, 10)).hasSize(2);
    }
}
