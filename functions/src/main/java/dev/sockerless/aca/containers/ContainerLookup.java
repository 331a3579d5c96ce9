package dev.sockerless.aca.containers;

import dev.sockerless.aca.errors.DockerApiException;
import java.util.List;
import java.util.Optional;

/** Finds a container as dockerd's {@code GetContainer}: full ID, then name, then a unique ID prefix. */
public final class ContainerLookup {

    private final ContainerStore store;

    public ContainerLookup(ContainerStore store) {
        this.store = store;
    }

    /** The container, or NOT_FOUND {@code No such container: <idOrName>}. */
    public ContainerRecord get(String idOrName) {
        return find(idOrName).orElseThrow(() -> DockerApiException.notFound("No such container: " + idOrName));
    }

    public Optional<ContainerRecord> find(String idOrName) {
        if (idOrName == null || idOrName.isEmpty()) {
            return Optional.empty();
        }
        if (idOrName.matches("[a-f0-9]{64}")) {
            Optional<ContainerRecord> byId = store.find(idOrName);
            if (byId.isPresent()) {
                return byId;
            }
        }
        String name = idOrName.startsWith("/") ? idOrName.substring(1) : idOrName;
        if (name.matches(ContainerNames.VALID_CHARS + "+")) {
            Optional<ContainerRecord> byName = store.findByName(name);
            if (byName.isPresent()) {
                return byName;
            }
        }
        if (idOrName.matches("[a-f0-9]{1,63}")) {
            List<ContainerRecord> matches = store.findByIdPrefix(idOrName);
            if (matches.size() > 1) {
                throw DockerApiException.invalid("multiple IDs found with provided prefix: " + idOrName);
            }
            return matches.stream().findFirst();
        }
        return Optional.empty();
    }
}
