package dev.sockerless.aca.containers;

import java.util.List;
import java.util.Optional;

/** The container table: containers by ID, with names unique among them. Keeps state across restarts. */
public interface ContainerStore {

    /**
     * Adds a container and takes its name in one atomic step; when another container holds the name, nothing is
     * written and the result is CONFLICT in Docker's words ({@link ContainerNames#conflict}).
     */
    void create(ContainerRecord container);

    Optional<ContainerRecord> find(String id);

    Optional<ContainerRecord> findByName(String name);

    /** Containers whose ID starts with {@code hexPrefix}. */
    List<ContainerRecord> findByIdPrefix(String hexPrefix);

    List<ContainerRecord> list();

    /** Replaces the container's execution; NOT_FOUND {@code No such container: <id>} when it is gone. */
    ContainerRecord saveExecution(String id, Execution execution);

    /** Removes the container and frees its name; false when there was no such container. */
    boolean delete(String id);
}
