package dev.sockerless.aca.logs;

import java.util.Optional;

/** Where Azure records a job container's exit code: the system logs ({@code ContainerTerminated} events). */
@FunctionalInterface
public interface ExitCodes {

    /** The exit code of the main container of one execution, when Azure logged it; empty when not (yet). */
    Optional<Integer> exitCode(LogTarget target);

    ExitCodes NONE = target -> Optional.empty();
}
