package dev.sockerless.aca.agent;

import java.util.List;

/**
 * A generated {@code Microsoft.App/jobs} resource in ARM-template shape.
 *
 * @param json     the resource JSON (holds the agent token as a secret value: never log it)
 * @param warnings what the job cannot honour exactly, in words for {@code docker create}'s Warnings
 */
public record JobResource(String name, String json, List<String> warnings) {

    public JobResource {
        warnings = List.copyOf(warnings);
    }

    @Override
    public String toString() {
        return "JobResource[" + name + "]";
    }
}
