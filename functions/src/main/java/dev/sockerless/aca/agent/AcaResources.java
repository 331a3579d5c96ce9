package dev.sockerless.aca.agent;

import java.math.BigDecimal;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * Docker's {@code HostConfig.NanoCpus}/{@code Memory} mapped to the CPU/memory pairs ACA allows (0.25 vCPU/0.5Gi
 * steps, memory = 2 × CPU, up to the {@link EnvironmentType}'s largest pair; MicrosoftDocs/azure-docs
 * {@code articles/container-apps/containers.md}): the
 * smallest pair that covers both requests, with a warning whenever the container does not get exactly what was
 * asked.
 * <p>
 * The pair applies to the total of all containers of the job. Whether ACA counts init containers in that total is
 * not documented (not in {@code articles/container-apps/containers.md}), so the agent's init container ({@code init-container}
 * mode) is counted: it gets the smallest pair ({@link #INIT}) and the main container at most the largest pair minus
 * that step. The sum is then an allowed pair whether ACA adds init containers to the main ones or, as Kubernetes
 * does, takes the larger of the two.
 *
 * @param warning present when the request was rounded or capped
 */
public record AcaResources(double cpu, String memory, Optional<String> warning) {

    /** Without limits (Docker's default), jobs get 0.5 vCPU and 1Gi. */
    static final int DEFAULT_STEPS = 2;

    private static final int INIT_STEPS = 1;
    /** The agent's init container: one step, 0.25 vCPU and 0.5Gi (it only copies a file). */
    static final AcaResources INIT = of(INIT_STEPS, Optional.empty());

    private static final double CPU_STEP = 0.25;
    private static final long MEMORY_STEP_BYTES = 512L * 1024 * 1024;

    /** The main container's pair for a request; zero (or less) means "not set", as in Docker. */
    public static AcaResources fit(long nanoCpus, long memoryBytes, EnvironmentType type, boolean initContainer) {
        int max = type.maxSteps() - (initContainer ? INIT_STEPS : 0);
        String cap = "the largest size on " + type.description()
                + (initContainer ? " less the agent's init container (" + describeSteps(INIT_STEPS) + ")" : "");
        if (nanoCpus <= 0 && memoryBytes <= 0) {
            return of(DEFAULT_STEPS, Optional.empty());
        }
        long cpuSteps = nanoCpus <= 0 ? 1 : ceilDiv(nanoCpus, 250_000_000L);
        long memorySteps = memoryBytes <= 0 ? 1 : ceilDiv(memoryBytes, MEMORY_STEP_BYTES);
        long steps = Math.max(cpuSteps, memorySteps);
        String requested = describe(nanoCpus, memoryBytes);
        if (steps > max) {
            return of(
                    max,
                    Optional.of("Requested " + requested + " exceeds " + cap + "; the job gets " + describeSteps(max)));
        }
        int s = (int) steps;
        boolean exact = (nanoCpus <= 0 || nanoCpus == s * 250_000_000L)
                && (memoryBytes <= 0 || memoryBytes == s * MEMORY_STEP_BYTES);
        return of(
                s,
                exact
                        ? Optional.empty()
                        : Optional.of("Requested " + requested
                                + " rounded up to the nearest ACA CPU/memory pair: the job gets " + describeSteps(s)));
    }

    private static AcaResources of(int steps, Optional<String> warning) {
        return new AcaResources(steps * CPU_STEP, gibibytes(steps), warning);
    }

    private static String gibibytes(int steps) {
        return BigDecimal.valueOf(steps)
                        .multiply(BigDecimal.valueOf(0.5))
                        .stripTrailingZeros()
                        .toPlainString() + "Gi";
    }

    private static String describeSteps(int steps) {
        return plain(steps * CPU_STEP) + " CPUs and " + gibibytes(steps) + " memory";
    }

    private static @Nullable String describe(long nanoCpus, long memoryBytes) {
        String cpu = nanoCpus > 0 ? plain(nanoCpus / 1e9) + " CPUs" : null;
        String memory = memoryBytes > 0 ? memoryBytes + " bytes of memory" : null;
        return cpu != null && memory != null ? cpu + " and " + memory : cpu != null ? cpu : memory;
    }

    private static String plain(double value) {
        return BigDecimal.valueOf(value).stripTrailingZeros().toPlainString();
    }

    private static long ceilDiv(long a, long b) {
        return -Math.floorDiv(-a, b);
    }
}
