package dev.sockerless.aca.images;

import dev.sockerless.aca.errors.DockerApiException;
import dev.sockerless.aca.registry.Platform;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Run by {@link ArchiveLimitsTest} in a JVM with a small heap: opens each archive file named on the command line
 * and prints {@code REFUSED <message>} or {@code OPENED}; an {@code OutOfMemoryError} ends it with a failure.
 */
public final class ArchiveLimitsChild {

    private ArchiveLimitsChild() {}

    public static void main(String[] args) throws Exception {
        Path temp = Files.createTempDirectory("limits-child");
        for (String file : args) {
            long start = System.nanoTime();
            try (DockerArchive archive = DockerArchive.open(Path.of(file), 8L << 30, temp, Platform.LINUX_AMD64)) {
                System.out.println("OPENED " + file + " " + archive.images().size());
            } catch (DockerApiException e) {
                System.out.println("REFUSED " + Path.of(file).getFileName() + " " + e.kind() + " "
                        + (System.nanoTime() - start) / 1_000_000 + " ms: " + e.getMessage());
            }
        }
        try (var left = Files.list(temp)) {
            System.out.println("LEFT " + left.count());
        }
    }
}
