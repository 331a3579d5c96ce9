package dev.sockerless.aca.follow;

import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/** The follow cache in memory (tests): same contract as the Table Storage one. */
public final class InMemoryLogCache implements LogCache {

    private final Map<String, Instant> followers = new LinkedHashMap<>();
    private final Map<String, FollowState> states = new HashMap<>();
    private final Map<String, TreeMap<Long, CachedLine>> lines = new HashMap<>();

    @Override
    public synchronized void markRead(String containerId, Instant at) {
        followers.put(containerId, at);
    }

    @Override
    public synchronized List<Follower> followers() {
        List<Follower> out = new ArrayList<>();
        followers.forEach((k, v) -> out.add(new Follower(k, v)));
        return out;
    }

    @Override
    public synchronized boolean unfollow(Follower seen) {
        Instant current = followers.get(seen.containerId());
        if (current == null) {
            return true;
        }
        if (!current.equals(seen.lastReadAt())) {
            return false;
        }
        followers.remove(seen.containerId());
        return true;
    }

    @Override
    public synchronized Optional<FollowState> state(String containerId) {
        return Optional.ofNullable(states.get(containerId));
    }

    @Override
    public synchronized void append(String containerId, List<CachedLine> add, FollowState expected, FollowState state) {
        if (!java.util.Objects.equals(states.get(containerId), expected)) {
            throw dev.sockerless.aca.errors.DockerApiException.conflict(
                    "the follow state of container " + containerId + " changed since this poll read it");
        }
        TreeMap<Long, CachedLine> m =
                lines.computeIfAbsent(containerId + "/" + state.execution(), k -> new TreeMap<>());
        add.forEach(l -> m.put(l.seq(), l));
        states.put(containerId, state);
    }

    @Override
    public synchronized List<CachedLine> read(String containerId, String execution, long fromSeq, int max) {
        TreeMap<Long, CachedLine> m = lines.getOrDefault(containerId + "/" + execution, new TreeMap<>());
        return m.tailMap(fromSeq, true).values().stream().limit(max).toList();
    }

    @Override
    public synchronized void delete(String containerId) {
        followers.remove(containerId);
        states.remove(containerId);
        lines.keySet().removeIf(k -> k.startsWith(containerId + "/"));
    }

    @Override
    public synchronized int purge(Instant cutoff) {
        List<String> stale = states.entrySet().stream()
                .filter(e -> e.getValue().updatedAt() != null
                        && e.getValue().updatedAt().isBefore(cutoff))
                .map(Map.Entry::getKey)
                .toList();
        stale.forEach(this::delete);
        return stale.size();
    }

    private Map<String, String> marks = Map.of();

    @Override
    public synchronized Map<String, String> marks() {
        return marks;
    }

    @Override
    public synchronized void publishMarks(Map<String, String> marks) {
        this.marks = Map.copyOf(marks);
    }
}
