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
import java.io.FilterOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.function.Supplier;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;

/**
 * {@code POST /images/load?fromBlob=<url>}: a {@code docker save} archive the frontend uploaded to Blob Storage,
 * downloaded as a stream into a temporary file (never into memory whole) with the app's identity.
 *
 * <p>The URL is checked before any request ({@link #locate}): {@code https} only — plain {@code http} only for the
 * state storage connection's own http endpoint (Azurite) —, on an allowed account: the state storage connection's
 * blob endpoint or a host of {@code SOCKERLESS_LOAD_BLOB_ACCOUNTS}; the uploads container
 * ({@code SOCKERLESS_LOAD_BLOB_CONTAINER}, default {@value #DEFAULT_UPLOADS}: never another container of the
 * account, which may hold the app's own state or packages); a blob name without
 * {@code .}/{@code ..} or empty segments; no query (a SAS in a URL is refused: the app reads with its own
 * identity, and URLs end up in logs), fragment or user info.
 *
 * <p>Requests to the state storage account are signed with its connection string's key or SAS when it has one
 * (Azurite, development); every other request, and the state account's when its string has no secret, uses the
 * app's identity (DefaultAzureCredential: the managed identity), which needs the Storage Blob Data Reader role.
 */
public final class BlobArchiveSource {

    /** What reading a blob needs; named in the 403 message. */
    public static final String READER_ROLE = "Storage Blob Data Reader";

    private static final Pattern CONTAINER = Pattern.compile("\\$root|[a-z0-9](?!.*--)[a-z0-9-]{1,61}[a-z0-9]");
    private static final Pattern HOST =
            Pattern.compile("[a-z0-9]([a-z0-9-]*[a-z0-9])?(\\.[a-z0-9]([a-z0-9-]*[a-z0-9])?)+");
    private static final int MAX_BLOB_NAME = 1024;

    /** An allowed blob endpoint: scheme, host, port and the account path (Azurite's) a URL must start with. */
    private record Endpoint(String scheme, String host, int port, String pathPrefix, boolean own) {

        static Endpoint of(URI uri, boolean own) {
            String scheme = uri.getScheme().toLowerCase(Locale.ROOT);
            String path = uri.getPath() == null ? "" : uri.getPath();
            while (path.endsWith("/")) {
                path = path.substring(0, path.length() - 1);
            }
            return new Endpoint(
                    scheme, uri.getHost().toLowerCase(Locale.ROOT), effectivePort(scheme, uri.getPort()), path, own);
        }

        boolean matches(String scheme, String host, int port) {
            return this.scheme.equals(scheme) && this.host.equals(host) && this.port == port;
        }

        String origin() {
            boolean defaultPort = port == (scheme.equals("https") ? 443 : 80);
            return scheme + "://" + host + (defaultPort ? "" : ":" + port);
        }

        String base() {
            return origin() + pathPrefix;
        }
    }

    /** Receives the downloaded archive; the file is deleted when this returns or throws. */
    @FunctionalInterface
    public interface ArchiveUse<T> {
        T apply(Path archive);
    }

    private final StorageConnection connection;
    private final List<Endpoint> endpoints;
    private final Supplier<TokenCredential> identity;
    private final HttpClient httpClient;
    private final RequestRetryOptions retry;
    private final @Nullable HttpPipelinePolicy deadline;
    private final String uploads;
    private final String uploadsSetting;

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
        if (uploads == null || !CONTAINER.matcher(uploads).matches() || uploads.equals("$root")) {
            throw DockerApiException.system(
                    "configuration: " + uploadsSetting + " " + uploads + " is not a valid blob container name", null);
        }
        this.uploads = uploads;
        this.uploadsSetting = uploadsSetting;
        this.connection = Objects.requireNonNull(connection, "connection");
        this.identity = Objects.requireNonNull(identity, "identity");
        this.httpClient = Objects.requireNonNull(httpClient, "httpClient");
        this.retry = Objects.requireNonNull(retry, "retry");
        this.deadline = deadline;
        List<Endpoint> list = new ArrayList<>();
        list.add(Endpoint.of(connection.blobEndpoint(), true));
        for (String entry : allowedHosts) {
            String host = entry.trim().toLowerCase(Locale.ROOT);
            if (host.startsWith("https://")) {
                host = host.substring("https://".length());
            }
            while (host.endsWith("/")) {
                host = host.substring(0, host.length() - 1);
            }
            if (!HOST.matcher(host).matches()) {
                throw DockerApiException.system(
                        "configuration: " + settingName + " has a malformed entry '" + entry
                                + "': expected a blob host such as myaccount.blob.core.windows.net",
                        null);
            }
            list.add(new Endpoint("https", host, 443, "", false));
        }
        this.endpoints = List.copyOf(list);
    }

    /** Default retries: 3 tries, exponential from 1 s up to 8 s. */
    public static RequestRetryOptions defaultRetry() {
        return new RequestRetryOptions(RetryPolicyType.EXPONENTIAL, 3, (Integer) null, 1000L, 8000L, null);
    }

    // ------------------------------------------------------------------ validation

    /** Checks {@code url} without any request; every refusal is an invalid-parameter or forbidden error. */
    public BlobLocation locate(String url) {
        if (url == null || url.isBlank()) {
            throw DockerApiException.invalid("fromBlob is empty: give the https URL of the archive blob");
        }
        String shown = withoutQuery(url.trim());
        URI uri;
        try {
            uri = new URI(url.trim());
        } catch (java.net.URISyntaxException e) {
            throw DockerApiException.invalid("fromBlob " + shown + " is not a valid URL");
        }
        if (uri.getRawQuery() != null) {
            throw DockerApiException.invalid("fromBlob " + shown + ": query parameters (such as a SAS token) are not"
                    + " accepted; the blob is read with the app's identity");
        }
        if (uri.getRawFragment() != null || uri.getRawUserInfo() != null) {
            throw DockerApiException.invalid(
                    "fromBlob " + shown + ": a URL with a fragment or user info is not accepted");
        }
        String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
        if (!uri.isAbsolute() || !(scheme.equals("https") || scheme.equals("http")) || uri.getHost() == null) {
            throw DockerApiException.invalid("fromBlob " + shown + " is not an https:// URL");
        }
        String host = uri.getHost().toLowerCase(Locale.ROOT);
        int port = effectivePort(scheme, uri.getPort());
        Endpoint endpoint = endpoints.stream()
                .filter(e -> e.matches(scheme, host, port))
                .findFirst()
                .orElse(null);
        if (endpoint == null) {
            if (scheme.equals("http")) {
                throw DockerApiException.invalid("fromBlob " + shown + ": plain http is accepted only for the"
                        + " configured storage account's own http endpoint (Azurite); use https");
            }
            throw DockerApiException.forbidden("fromBlob " + shown + ": storage account " + host + " is not allowed;"
                    + " the operator allows the state storage account and SOCKERLESS_LOAD_BLOB_ACCOUNTS");
        }
        String raw = uri.getRawPath() == null ? "" : uri.getRawPath();
        String lowerRaw = raw.toLowerCase(Locale.ROOT);
        if (lowerRaw.contains("%2f") || lowerRaw.contains("%5c") || lowerRaw.contains("%00")) {
            throw DockerApiException.invalid(
                    "fromBlob " + shown + ": encoded slashes, backslashes or NUL in the path" + " are not accepted");
        }
        String path = uri.getPath();
        if (!path.startsWith(endpoint.pathPrefix() + "/")) {
            throw DockerApiException.invalid(
                    "fromBlob " + shown + " does not name a blob of account " + endpoint.base());
        }
        String rest = path.substring(endpoint.pathPrefix().length() + 1);
        int slash = rest.indexOf('/');
        if (slash <= 0 || slash == rest.length() - 1) {
            throw DockerApiException.invalid(
                    "fromBlob " + shown + " does not name a blob: expected " + endpoint.base() + "/<container>/<blob>");
        }
        String container = rest.substring(0, slash);
        String blob = rest.substring(slash + 1);
        if (!CONTAINER.matcher(container).matches()) {
            throw DockerApiException.invalid("fromBlob " + shown + ": " + container + " is not a valid container name");
        }
        checkBlobName(blob, shown);
        if (!container.equals(uploads)) {
            throw DockerApiException.forbidden("fromBlob " + shown + ": only blobs of the uploads container '" + uploads
                    + "' are read (" + uploadsSetting + "), not of '" + container + "'");
        }
        return new BlobLocation(endpoint.base(), container, blob, endpoint.origin() + raw, endpoint.own());
    }

    private static void checkBlobName(String blob, String shown) {
        if (blob.length() > MAX_BLOB_NAME) {
            throw DockerApiException.invalid(
                    "fromBlob " + shown + ": the blob name is longer than " + MAX_BLOB_NAME + " characters");
        }
        for (int i = 0; i < blob.length(); i++) {
            char c = blob.charAt(i);
            if (c < 0x20 || c == 0x7f || c == '\\') {
                throw DockerApiException.invalid(
                        "fromBlob " + shown + ": the blob name holds a control character or" + " a backslash");
            }
        }
        for (String segment : blob.split("/", -1)) {
            if (segment.isEmpty() || segment.equals(".") || segment.equals("..")) {
                throw DockerApiException.invalid(
                        "fromBlob " + shown + ": the blob name has an empty, '.' or '..'" + " segment");
            }
        }
    }

    private static int effectivePort(String scheme, int port) {
        return port >= 0 ? port : scheme.equals("https") ? 443 : 80;
    }

    /** The URL up to its query or fragment, without user info: what messages may show (a SAS never appears). */
    static String withoutQuery(String url) {
        int scheme = url.indexOf("://");
        if (scheme >= 0) {
            int hostEnd = url.indexOf('/', scheme + 3);
            int at = url.lastIndexOf('@', hostEnd < 0 ? url.length() - 1 : hostEnd);
            if (at > scheme) {
                url = url.substring(0, scheme + 3) + url.substring(at + 1);
            }
        }
        int cut = url.length();
        for (char c : new char[] {'?', '#'}) {
            int i = url.indexOf(c);
            if (i >= 0 && i < cut) {
                cut = i;
            }
        }
        return url.substring(0, cut);
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
        private long count;
        private @Nullable DockerApiException failure;

        LocalFile(OutputStream out, long cap, String url) {
            super(out);
            this.cap = cap;
            this.url = url;
        }

        @Override
        public void write(int b) throws IOException {
            write(new byte[] {(byte) b}, 0, 1);
        }

        @Override
        public void write(byte[] b, int off, int len) throws IOException {
            count += len;
            if (count > cap) {
                failure = DockerApiException.invalid(
                        "invalid archive: blob " + url + " is over the limit of " + cap + " bytes");
                throw new IOException(failure.getMessage());
            }
            try {
                out.write(b, off, len);
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
