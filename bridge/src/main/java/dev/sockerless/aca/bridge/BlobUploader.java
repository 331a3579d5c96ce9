package dev.sockerless.aca.bridge;

import com.azure.identity.DefaultAzureCredentialBuilder;
import com.azure.storage.blob.BlobClient;
import com.azure.storage.blob.BlobContainerClient;
import com.azure.storage.blob.BlobContainerClientBuilder;
import com.azure.storage.blob.models.BlobHttpHeaders;
import com.azure.storage.blob.models.ParallelTransferOptions;
import com.azure.storage.blob.options.BlobUploadFromFileOptions;
import java.net.URI;
import java.nio.file.Path;
import java.util.Optional;
import java.util.UUID;
import java.util.function.LongConsumer;
import org.jspecify.annotations.Nullable;

/**
 * Uploads an archive too large for a Functions request to the container {@code SOCKERLESS_BRIDGE_UPLOAD_URL}, with
 * the connection string {@code SOCKERLESS_BRIDGE_UPLOAD_CONNECTION} (Azurite) or else the user's identity through
 * {@code DefaultAzureCredential} (needs Storage Blob Data Contributor on the container).
 */
final class BlobUploader {

    /** One uploaded blob: its URL (for {@code fromBlob=}) and how to delete it. */
    record Upload(URI url, BlobClient blob) {
        void delete() {
            blob.deleteIfExists();
        }
    }

    private final URI container;
    private final Optional<String> connection;
    private @Nullable BlobContainerClient client;

    BlobUploader(URI container, Optional<String> connection) {
        this.container = container;
        this.connection = connection;
    }

    private synchronized BlobContainerClient client() {
        if (client == null) {
            BlobContainerClientBuilder b = new BlobContainerClientBuilder();
            if (connection.isPresent()) {
                b.connectionString(connection.get());
            } else {
                b.credential(new DefaultAzureCredentialBuilder().build());
            }
            client = b.endpoint(container.toString()).buildClient();
            if (connection.isPresent()) {
                client.createIfNotExists(); // a local Azurite starts empty; on Azure the container is deployed
            }
        }
        return client;
    }

    /** Uploads {@code file}; {@code progress} gets the bytes sent so far. */
    Upload upload(Path file, LongConsumer progress) {
        BlobClient blob = client().getBlobClient("docker-load-" + UUID.randomUUID() + ".tar");
        BlobUploadFromFileOptions options = new BlobUploadFromFileOptions(file.toString())
                .setHeaders(new BlobHttpHeaders().setContentType("application/x-tar"))
                .setParallelTransferOptions(new ParallelTransferOptions().setProgressListener(progress::accept));
        Upload upload = new Upload(URI.create(blob.getBlobUrl()), blob);
        try {
            blob.uploadFromFileWithResponse(options, null, null);
        } catch (RuntimeException e) {
            try {
                upload.delete();
            } catch (RuntimeException ignored) {
                // reported below
            }
            throw e;
        }
        return upload;
    }
}
