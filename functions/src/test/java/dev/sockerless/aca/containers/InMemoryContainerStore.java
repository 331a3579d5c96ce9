package dev.sockerless.aca.containers;

import dev.sockerless.aca.errors.DockerApiException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/** A thread-safe in-memory {@link ContainerStore} for unit tests, with TableStorageContainerStore's semantics. */
public final class InMemoryContainerStore implements ContainerStore {

    private final Map<String, ContainerRecord> byId = new TreeMap<>();
    private final Map<String, String> names = new TreeMap<>();

    @Override
    public synchronized void create(ContainerRecord c) {
        String holder = names.get(c.name());
        if (holder != null) {
            throw ContainerNames.conflict(c.name(), holder);
        }
        if (byId.containsKey(c.id())) {
            throw DockerApiException.conflict("container " + c.id() + " exists");
        }
        byId.put(c.id(), c);
        names.put(c.name(), c.id());
    }

    @Override
    public synchronized Optional<ContainerRecord> find(String id) {
        return Optional.ofNullable(byId.get(id));
    }

    @Override
    public synchronized Optional<ContainerRecord> findByName(String name) {
        return Optional.ofNullable(names.get(name)).map(byId::get);
    }

    @Override
    public synchronized List<ContainerRecord> findByIdPrefix(String hexPrefix) {
        return byId.values().stream().filter(c -> c.id().startsWith(hexPrefix)).toList();
    }

    @Override
    public synchronized List<ContainerRecord> list() {
        return new ArrayList<>(byId.values());
    }

    @Override
    public synchronized ContainerRecord saveExecution(String id, Execution execution) {
        ContainerRecord c = byId.get(id);
        if (c == null) {
            throw DockerApiException.notFound("No such container: " + id);
        }
        Execution.checkSuccessor(c.execution(), execution);
        ContainerRecord updated = c.withExecution(execution);
        byId.put(id, updated);
        return updated;
    }

    @Override
    public synchronized boolean delete(String id) {
        ContainerRecord c = byId.remove(id);
        if (c == null) {
            return false;
        }
        names.remove(c.name());
        return true;
    }
}
