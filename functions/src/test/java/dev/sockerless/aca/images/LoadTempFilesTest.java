package dev.sockerless.aca.images;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** After a crash, the next start deletes the load files the dead process left, and nothing else. */
class LoadTempFilesTest {

    @TempDir
    Path dir;

    @Test
    void theSweepDeletesOnlyTheLoadFilesOfProcessesThatAreGone() throws Exception {
        long self = ProcessHandle.current().pid();
        Process other = new ProcessBuilder(
                        Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-version")
                .start();
        other.waitFor();
        long dead = other.pid(); // a process that has ended
        Process alive = new ProcessBuilder("sleep", "30").start();
        try {
            Path deadArchive = Files.createFile(dir.resolve("sockerless-load-" + dead + "-archive-1.tar"));
            Path deadLayer = Files.createFile(dir.resolve("sockerless-load-" + dead + "-layer-2.tar.gz"));
            Path ownEarlier = Files.createFile(dir.resolve("sockerless-load-" + self + "-blob-3.archive"));
            Path liveOther = Files.createFile(dir.resolve("sockerless-load-" + alive.pid() + "-layer-4.tar.gz"));
            Path notOurs = Files.createFile(dir.resolve("docker-load-5.tar"));
            Path odd = Files.createFile(dir.resolve("sockerless-load-x-6"));

            assertThat(LoadTempFiles.sweep(dir)).isEqualTo(3);
            assertThat(deadArchive).doesNotExist();
            assertThat(deadLayer).doesNotExist();
            assertThat(ownEarlier)
                    .as("this process has no load yet: an earlier incarnation's")
                    .doesNotExist();
            assertThat(liveOther).as("another live process's load").exists();
            assertThat(notOurs).exists();
            assertThat(odd).exists();
        } finally {
            alive.destroy();
        }
        Path created = LoadTempFiles.create(dir, "layer", ".tar.gz");
        assertThat(created.getFileName().toString()).startsWith("sockerless-load-" + self + "-layer-");
    }
}
