package dev.sockerless.aca.blobs;

import com.azure.core.credential.TokenCredential;
import com.azure.core.exception.ClientAuthenticationException;
import com.azure.core.http.HttpClient;
import com.azure.core.http.policy.HttpPipelinePolicy;
import com.azure.core.util.Context;
import com.azure.storage.blob.BlobClient;
import com.azure.storage.blob.BlobClientBuilder;
import com.azure.storage.blob.models.BlobProperties;
import com.azure.storage.blob.models.BlobRequestConditions;
import com.azure.storage.blob.models.BlobStorageException;
import com.azure.storage.blob.models.DownloadRetryOptions;
import com.azure.storage.common.StorageSharedKeyCredential;
import com.azure.storage.common.policy.RequestRetryOptions;
import com.azure.storage.common.policy.RetryPolicyType;
import dev.sockerless.aca.errors.DockerApiException;
import dev.sockerless.aca.io.Capped;
import java.io.FilterOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Objects;
import java.util.function.Supplier;
import org.jspecify.annotations.Nullable;

/**
 * {@code POST /images/load?fromBlob=<url>}: a {@code docker save} archive the frontend uploaded to Blob Storage,
 * downloaded as a stream into a temporary file (never into memory whole) with the app's identity.
 *
 * <p>The URL is checked before any request by {@link BlobUrlPolicy} ({@link #locate}).
 *
 * <p>Requests to the state storage account are signed with its connection string's key or SAS when it has one
 * (Azurite, development); every other request, and the state account's when its string has no secret, uses the
 * app's identity (DefaultAzureCredential: the managed identity), which needs the Storage Blob Data Reader role.
 */
public final class BlobArchiveSource {

    /** What reading a blob needs; named in the 403 message. */
    public static final String READER_ROLE = "Storage Blob Data Reader";

    /** Receives the downloaded archive; the file is deleted when this returns or throws. */
    @FunctionalInterface
    public interface ArchiveUse<T> {
        T apply(Path archive);
    }

    private final StorageConnection connection;
    private final BlobUrlPolicy policy;
    private final Supplier<TokenCredential> identity;
    private final HttpClient httpClient;
    private final RequestRetryOptions retry;
    private final @Nullable HttpPipelinePolicy deadline;

    /** The default of {@code SOCKERLESS_LOAD_BLOB_CONTAINER}: the only container {@code fromBlob=} reads. */
    public static final String DEFAULT_UPLOADS = "uploads";

    /**
     * @param connection   the state storage connection (its blob endpoint is always allowed)
     * @param allowedHosts further blob hosts ({@code myacct.blob.core.windows.net}), reached over https with the
     *                     identity; a malformed entry is a configuration error naming {@code settingName}
     * @param settingName  the setting the hosts come from, for messages
     * @param identity     the app's identity, asked for only when a request is not signed with the connection's key
     * @param httpClient   shared by all requests
     * @param retry        Blob Storage retry policy
     */
    public BlobArchiveSource(
            StorageConnection connection,
            List<String> allowedHosts,
            String settingName,
            Supplier<TokenCredential> identity,
            HttpClient httpClient,
            RequestRetryOptions retry) {
        this(connection, allowedHosts, settingName, identity, httpClient, retry, null);
    }

    /**
     * @param deadline a per-call policy bounding each request until its response starts, retries included (the
     *                 app's is {@code StorageDeadlinePolicy}), or null for none
     */
    public BlobArchiveSource(
            StorageConnection connection,
            List<String> allowedHosts,
            String settingName,
            Supplier<TokenCredential> identity,
            HttpClient httpClient,
            RequestRetryOptions retry,
            @Nullable HttpPipelinePolicy deadline) {
        this(
                connection,
                allowedHosts,
                settingName,
                identity,
                httpClient,
                retry,
                deadline,
                DEFAULT_UPLOADS,
                "SOCKERLESS_LOAD_BLOB_CONTAINER");
    }

    /**
     * @param uploads        the one container blobs are read from (the frontend's uploads), in every allowed account
     * @param uploadsSetting the setting naming it, for messages
     */
    public BlobArchiveSource(
            StorageConnection connection,
            List<String> allowedHosts,
            String settingName,
            Supplier<TokenCredential> identity,
            HttpClient httpClient,
            RequestRetryOptions retry,
            @Nullable HttpPipelinePolicy deadline,
            String uploads,
            String uploadsSetting) {
        this.policy = new BlobUrlPolicy(connection.blobEndpoint(), allowedHosts, settingName, uploads, uploadsSetting);
        this.connection = Objects.requireNonNull(connection, "connection");
        this.identity = Objects.requireNonNull(identity, "identity");
        this.httpClient = Objects.requireNonNull(httpClient, "httpClient");
        this.retry = Objects.requireNonNull(retry, "retry");
        this.deadline = deadline;
    }

    /** Default retries: 3 tries, exponential from 1 s up to 8 s. */
    public static RequestRetryOptions defaultRetry() {
        return new RequestRetryOptions(RetryPolicyType.EXPONENTIAL, 3, (Integer) null, 1000L, 8000L, null);
    }

    /** Checks {@code url} without any request (see {@link BlobUrlPolicy}). */
    public BlobLocation locate(String url) {
        return policy.locate(url);
    }

    // ------------------------------------------------------------------ download

    /**
     * Downloads the blob into a temporary file in {@code tempDir}, hands it to {@code use} and deletes it in every
     * case.
     *
     * @param maxBytes the largest blob accepted (checked before the download and while streaming)
     */
    public <T> T withArchive(BlobLocation location, Path tempDir, long maxBytes, ArchiveUse<T> use) {
        Path file = download(location, tempDir, maxBytes);
        try {
            return use.apply(file);
        } finally {
            delete(file);
        }
    }

    /**
     * Streams the blob into a new temporary file in {@code tempDir} and returns it; the caller deletes it. Nothing
     * is left behind on failure. The blob is read at the version (ETag) its size was checked at.
     */
    public Path download(BlobLocation location, Path tempDir, long maxBytes) {
        Path file;
        try {
            file = dev.sockerless.aca.images.LoadTempFiles.create(tempDir, "blob", ".archive");
        } catch (IOException e) {
            throw DockerApiException.system("cannot create a temporary file for the blob: " + e.getMessage(), e);
        }
        boolean done = false;
        LocalFile out = null;
        try {
            BlobClient client = client(location);
            BlobProperties properties =
                    client.getPropertiesWithResponse(null, null, Context.NONE).getValue();
            if (properties.getBlobSize() > maxBytes) {
                throw DockerApiException.invalid("invalid archive: blob " + location.url() + " is "
                        + properties.getBlobSize() + " bytes, over the limit of " + maxBytes);
            }
            out = new LocalFile(Files.newOutputStream(file), maxBytes, location.url());
            try (LocalFile o = out) {
                client.downloadStreamWithResponse(
                        o,
                        null,
                        new DownloadRetryOptions().setMaxRetryRequests(5),
                        new BlobRequestConditions().setIfMatch(properties.getETag()),
                        false,
                        null,
                        Context.NONE);
            }
            long size = Files.size(file);
            if (size != properties.getBlobSize()) {
                throw DockerApiException.unavailable(
                        "Blob Storage returned " + size + " of the " + properties.getBlobSize() + " bytes of blob "
                                + location.url(),
                        null);
            }
            done = true;
            return file;
        } catch (DockerApiException e) {
            throw e;
        } catch (BlobStorageException e) {
            throw translate(e, location);
        } catch (RuntimeException | IOException e) {
            DockerApiException local = out == null ? null : out.failure();
            if (local != null) {
                throw local;
            }
            DockerApiException deadlinePassed = cause(e, DockerApiException.class);
            if (deadlinePassed != null) {
                throw deadlinePassed;
            }
            if (e instanceof ClientAuthenticationException) {
                throw DockerApiException.unavailable(
                        "cannot authenticate to Blob Storage for " + location.url() + " with the app's identity: "
                                + firstLine(e.getMessage()),
                        e);
            }
            BlobStorageException storage = cause(e, BlobStorageException.class);
            if (storage != null) {
                throw translate(storage, location);
            }
            throw DockerApiException.unavailable(
                    "Blob Storage is unavailable reading " + location.url() + ": "
                            + firstLine(e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage()),
                    e);
        } finally {
            if (!done) {
                delete(file);
            }
        }
    }

    private BlobClient client(BlobLocation location) {
        BlobClientBuilder builder = new BlobClientBuilder()
                .endpoint(location.endpoint())
                .containerName(location.container())
                .blobName(location.blobName())
                .httpClient(httpClient)
                .retryOptions(retry);
        if (deadline != null) {
            builder.addPolicy(deadline);
        }
        if (location.ownConnection() && connection.accountKey().isPresent()) {
            builder.credential(new StorageSharedKeyCredential(
                    connection.accountName().orElseThrow(),
                    connection.accountKey().get()));
        } else if (location.ownConnection() && connection.sasToken().isPresent()) {
            builder.sasToken(connection.sasToken().get());
        } else {
            builder.credential(identity.get());
        }
        return builder.buildClient();
    }

    static DockerApiException translate(BlobStorageException e, BlobLocation location) {
        int status = e.getStatusCode();
        String code = e.getErrorCode() == null ? "" : " (" + e.getErrorCode() + ")";
        return switch (status) {
            case 404 -> DockerApiException.notFound("no such blob: " + location.url());
            case 401, 403 ->
                DockerApiException.forbidden(
                        "access to blob " + location.url() + " denied" + code + ": the app's identity needs the "
                                + READER_ROLE + " role on the storage account or container");
            case 412 ->
                DockerApiException.conflict(
                        "blob " + location.url() + " changed while it was being downloaded; retry the load");
            default ->
                DockerApiException.unavailable(
                        "Blob Storage answered " + status + code + " for blob " + location.url(), e);
        };
    }

    private static <X extends Throwable> @Nullable X cause(Throwable e, Class<X> type) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (type.isInstance(t)) {
                return type.cast(t);
            }
        }
        return null;
    }

    private static String firstLine(@Nullable String message) {
        return message == null ? "no detail" : message.lines().findFirst().orElse("no detail");
    }

    private static void delete(Path file) {
        try {
            Files.deleteIfExists(file);
        } catch (IOException ignored) {
            // best effort: the temp directory is the function host's
        }
    }

    /**
     * The temporary file being written: enforces the cap while streaming and remembers a local write failure, so
     * that a full disk is not reported as Blob Storage being unavailable.
     */
    private static final class LocalFile extends FilterOutputStream {
        private final long cap;
        private final String url;
        private @Nullable DockerApiException failure;

        LocalFile(OutputStream out, long cap, String url) {
            super(Capped.output(out, cap));
            this.cap = cap;
            this.url = url;
        }

        @Override
        public void write(int b) throws IOException {
            write(new byte[] {(byte) b}, 0, 1);
        }

        @Override
        public void write(byte[] b, int off, int len) throws IOException {
            try {
                out.write(b, off, len);
            } catch (Capped.Exceeded e) {
                failure = DockerApiException.invalid(
                        "invalid archive: blob " + url + " is over the limit of " + cap + " bytes");
                throw e;
            } catch (IOException e) {
                failure = DockerApiException.system("cannot write the blob to a temporary file: " + e.getMessage(), e);
                throw e;
            }
        }

        /** The local failure, if writing the temporary file failed (the cause of the exception being handled). */
        @Nullable
        DockerApiException failure() {
            return failure;
        }
    }
}
