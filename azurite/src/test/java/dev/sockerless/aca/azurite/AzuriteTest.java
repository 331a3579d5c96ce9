package dev.sockerless.aca.azurite;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AzuriteTest {

    @Test
    void findsTheBinaryWalkingUp(@TempDir Path tmp) throws Exception {
        Path bin = tmp.resolve("node_modules/.bin/azurite");
        Files.createDirectories(bin.getParent());
        Files.writeString(bin, "#!/bin/sh\n");
        Files.setPosixFilePermissions(bin, PosixFilePermissions.fromString("rwxr-xr-x"));
        Path deep = Files.createDirectories(tmp.resolve("a/b/c"));
        assertThat(Azurite.findBinary(deep)).contains(bin.toAbsolutePath().normalize());
        assertThat(Azurite.findBinary(Path.of("/"))).isEmpty();
    }

    @Test
    void connectionStringNamesEachEndpointAndTheWellKnownKey() {
        assertThat(Azurite.connectionString(1, 2, 3))
                .isEqualTo("DefaultEndpointsProtocol=http;AccountName=devstoreaccount1;AccountKey="
                        + Azurite.ACCOUNT_KEY
                        + ";BlobEndpoint=http://127.0.0.1:1/devstoreaccount1;QueueEndpoint=http://127.0.0.1:2/"
                        + "devstoreaccount1;TableEndpoint=http://127.0.0.1:3/devstoreaccount1;");
    }

    @Test
    void inMemoryAnswersUntilClosedAndLeavesNothingRunning() throws Exception {
        Azurite azurite = Azurite.inMemory();
        ProcessHandle handle = ProcessHandle.of(azurite.pid()).orElseThrow();
        Path dir = azurite.logFile().getParent();
        try {
            // an unauthenticated table query: Azurite answers 403 AuthorizationFailure
            assertThat(status(azurite.tableEndpoint() + "/Tables")).isEqualTo(403);
            assertThat(status(azurite.blobEndpoint() + "?comp=list")).isEqualTo(403);
        } finally {
            azurite.close();
        }
        assertThat(handle.isAlive()).isFalse();
        assertThat(dir).doesNotExist();
        assertThatThrownBy(() -> status(azurite.tableEndpoint() + "/Tables")).isInstanceOf(IOException.class);
    }

    @Test
    void persistentKeepsItsLogUnderTheLocation(@TempDir Path location) throws Exception {
        try (Azurite azurite = Azurite.persistent(location)) {
            assertThat(status(azurite.tableEndpoint() + "/Tables")).isEqualTo(403);
            assertThat(azurite.logFile()).isEqualTo(location.resolve("azurite.log"));
        }
        assertThat(location.resolve("azurite.log")).exists();
    }

    static int status(String url) throws IOException, InterruptedException {
        return HttpClient.newBuilder()
                .connectTimeout(Duration.ofSeconds(2))
                .build()
                .send(HttpRequest.newBuilder(URI.create(url)).build(), HttpResponse.BodyHandlers.discarding())
                .statusCode();
    }
}
