package dev.sockerless.aca.images;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Path;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class GrowingSpoolTest {

    @TempDir
    Path dir;

    private static CompletableFuture<byte[]> readAll(GrowingSpool spool) {
        return CompletableFuture.supplyAsync(() -> {
            try (InputStream in = spool.open()) {
                return in.readAllBytes();
            } catch (IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        });
    }

    @Test
    void aReaderFollowsTheWriterAndEndsOnlyWhenItFinished() throws Exception {
        GrowingSpool spool = new GrowingSpool(dir.resolve("spool"));
        OutputStream out = spool.writer();
        out.write("first ".getBytes());
        CompletableFuture<byte[]> read = readAll(spool);
        Thread.sleep(200);
        assertThat(read).as("waits for more while the writer is open").isNotDone();
        out.write("second".getBytes());
        out.close();
        Thread.sleep(100);
        assertThat(read).as("a closed but unfinished writer is not the end").isNotDone();
        spool.finish();
        assertThat(new String(read.get(5, TimeUnit.SECONDS))).isEqualTo("first second");
        assertThat(spool.size()).isEqualTo(12);
        try (InputStream again = spool.open()) {
            assertThat(new String(again.readAllBytes()))
                    .as("re-read from the first byte")
                    .isEqualTo("first second");
        }
    }

    @Test
    void aFailedWriterFailsItsReaders() throws Exception {
        GrowingSpool spool = new GrowingSpool(dir.resolve("spool"));
        try (OutputStream out = spool.writer()) {
            out.write(new byte[1000]);
        }
        CompletableFuture<byte[]> read = readAll(spool);
        Thread.sleep(100);
        spool.fail(new IOException("bad layer"));
        assertThatThrownBy(() -> read.get(5, TimeUnit.SECONDS)).hasMessageContaining("bad layer");
        assertThatThrownBy(spool::size).isInstanceOf(IllegalStateException.class);
    }
}
