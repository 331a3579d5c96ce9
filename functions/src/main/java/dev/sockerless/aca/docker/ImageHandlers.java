package dev.sockerless.aca.docker;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import dev.sockerless.aca.blobs.BlobArchiveSource;
import dev.sockerless.aca.blobs.BlobLocation;
import dev.sockerless.aca.errors.DockerApiException;
import dev.sockerless.aca.images.ImageLoader;
import dev.sockerless.aca.images.ImageLookup;
import dev.sockerless.aca.images.ImagePuller;
import dev.sockerless.aca.images.ImageRef;
import dev.sockerless.aca.images.ImageStore;
import dev.sockerless.aca.images.ImageSummary;
import dev.sockerless.aca.images.ImageTagger;
import dev.sockerless.aca.images.LoadOptions;
import dev.sockerless.aca.images.LoadProgress;
import dev.sockerless.aca.images.LoadedImage;
import dev.sockerless.aca.json.GoJson;
import dev.sockerless.aca.registry.Digest;
import dev.sockerless.aca.registry.ImageReference;
import dev.sockerless.aca.registry.Platform;
import dev.sockerless.aca.registry.RegistryCredentials;
import dev.sockerless.aca.registry.RegistryException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;
import java.util.stream.Collectors;

/** The image routes: pull ({@code POST /images/create}), inspect ({@code GET /images/{name}/json}), list. */
public final class ImageHandlers {

    private final ImagePuller puller;
    private final ImageLookup lookup;
    private final ImageStore store;
    private final ImageTagger tagger;
    private final ImageLoader loader;
    private final Supplier<LoadOptions> loadOptions;
    private final Supplier<BlobArchiveSource> blobs;
    private final Platform defaultPlatform;
    private final java.util.concurrent.Semaphore loads;
    private final int maxLoads;

    /**
     * @param loadOptions the load settings, read at each load so that a server without a staging registry still
     *                    pulls, and a load without one fails naming the setting
     * @param blobs       where {@code fromBlob} archives are read from, built at the first such load
     */
    public ImageHandlers(
            ImagePuller puller,
            ImageLookup lookup,
            ImageStore store,
            ImageTagger tagger,
            ImageLoader loader,
            Supplier<LoadOptions> loadOptions,
            Supplier<BlobArchiveSource> blobs,
            Platform defaultPlatform) {
        this(puller, lookup, store, tagger, loader, loadOptions, blobs, defaultPlatform, DEFAULT_MAX_CONCURRENT_LOADS);
    }

    /** The default of {@code SOCKERLESS_LOAD_MAX_CONCURRENT}. */
    public static final int DEFAULT_MAX_CONCURRENT_LOADS = 2;
    /** What a load refused for concurrency tells the client to wait, in seconds. */
    static final int LOAD_RETRY_AFTER_SECONDS = 5;

    /**
     * @param maxConcurrentLoads {@code SOCKERLESS_LOAD_MAX_CONCURRENT}: loads running at once on this instance; one
     *                           more is refused at once with 429 and {@code Retry-After} (never queued: a queued
     *                           request would hold its body in memory while it waits, and the front end's 230 s run
     *                           on)
     */
    public ImageHandlers(
            ImagePuller puller,
            ImageLookup lookup,
            ImageStore store,
            ImageTagger tagger,
            ImageLoader loader,
            Supplier<LoadOptions> loadOptions,
            Supplier<BlobArchiveSource> blobs,
            Platform defaultPlatform,
            int maxConcurrentLoads) {
        if (maxConcurrentLoads < 1) {
            throw new IllegalArgumentException("maxConcurrentLoads must be positive");
        }
        this.maxLoads = maxConcurrentLoads;
        this.loads = new java.util.concurrent.Semaphore(maxConcurrentLoads);
        this.puller = puller;
        this.lookup = lookup;
        this.store = store;
        this.tagger = tagger;
        this.loader = loader;
        this.loadOptions = loadOptions;
        this.blobs = blobs;
        this.defaultPlatform = defaultPlatform;
    }

    /**
     * {@code POST /images/load?quiet=&platform=&fromBlob=}: a {@code docker save} archive (possibly compressed as a
     * whole) is pushed to the staging registry and recorded under its own names. Replies {@code Loaded image: ...}
     * lines; without {@code quiet}, {@code Loading layer} progress first. The archive is the request body, or, with
     * {@code fromBlob} (and an empty body), the blob at that URL, streamed to a temporary file (large images: the
     * Functions host hands bodies over whole and caps them).
     */
    public ApiResponse load(ApiRequest request) {
        if (!loads.tryAcquire()) {
            ApiResponse busy = ErrorResponses.of(new DockerApiException(
                    DockerApiException.Kind.TOO_MANY_REQUESTS,
                    "too many image loads at once on this instance (the limit is " + maxLoads
                            + ", SOCKERLESS_LOAD_MAX_CONCURRENT): try again in " + LOAD_RETRY_AFTER_SECONDS + " s"));
            Map<String, String> headers = new java.util.LinkedHashMap<>(busy.headers());
            headers.put("Retry-After", String.valueOf(LOAD_RETRY_AFTER_SECONDS));
            return new ApiResponse(busy.status(), headers, busy.body());
        }
        try {
            return loadWithinLimit(request);
        } finally {
            loads.release();
        }
    }

    private ApiResponse loadWithinLimit(ApiRequest request) {
        Optional<String> fromBlob = request.param("fromBlob");
        if (fromBlob.isPresent() && request.body().length > 0) {
            throw DockerApiException.invalid("fromBlob and a request body cannot both be given: send the archive"
                    + " in the body or name its blob, not both");
        }
        if (fromBlob.isEmpty() && request.body().length == 0) {
            throw noArchive(request);
        }
        LoadOptions options = loadOptions.get();
        if (request.header("X-Registry-Auth").isPresent()) {
            options = options.withCredentials(
                    RegistryAuthHeader.decode(request.header("X-Registry-Auth").get()));
        }
        Optional<String> platform = request.param("platform").filter(p -> !p.isBlank());
        options =
                options.withPlatform(platform.map(ImageHandlers::parsePlatform).orElse(defaultPlatform));
        boolean quiet = request.flag("quiet");
        LoadOptions chosen = options;
        if (fromBlob.isPresent()) {
            BlobArchiveSource source = blobs.get();
            BlobLocation location = source.locate(fromBlob.get()); // before any request to Blob Storage
            return JsonMessages.run(messages -> {
                List<LoadedImage> loaded = source.withArchive(
                        location,
                        chosen.tempDir(),
                        chosen.maxExpandedBytes(),
                        file -> loader.load(file, chosen, quiet ? LoadProgress.NONE : messages::status));
                report(loaded, messages);
            });
        }
        return JsonMessages.run(messages ->
                report(loader.load(request.body(), chosen, quiet ? LoadProgress.NONE : messages::status), messages));
    }

    /**
     * The error for a load whose body is empty. On Azure that is what a {@code docker load} looks like: the docker CLI
     * sends the archive chunked as {@code application/x-tar}, and the Functions host forwards a body to a Java worker
     * only when it has a Content-Length (Azure/azure-functions-host
     * {@code src/WebJobs.Script.Grpc/MessageExtensions/GrpcMessageConversionExtensions.cs}, {@code ToRpcHttp}); with a
     * Content-Length but any type other than {@code application/octet-stream} it arrives as text, which fails this
     * function's {@code byte[]} binding in the worker before the function runs (README, "Load"). So the message says
     * what does work.
     */
    static DockerApiException noArchive(ApiRequest request) {
        boolean chunked = request.header("Transfer-Encoding")
                .map(v -> v.toLowerCase(Locale.ROOT).contains("chunked"))
                .orElse(false);
        String ways = "send the docker save archive with Content-Type: application/octet-stream and a Content-Length"
                + " (curl --data-binary @image.tar -H 'Content-Type: application/octet-stream'), upload it to Blob"
                + " Storage and call POST /images/load?fromBlob=<blob URL>, or use the sockerless bridge";
        if (chunked) {
            return DockerApiException.invalid("the archive did not arrive: Azure Functions drops request bodies sent"
                    + " chunked (without a Content-Length), as docker load sends them; " + ways);
        }
        return DockerApiException.invalid("no archive in the request body: " + ways);
    }

    private static void report(List<LoadedImage> loaded, JsonMessages messages) {
        for (LoadedImage image : loaded) {
            image.messages().forEach(m -> messages.stream(m + "\n"));
        }
    }

    /** {@code POST /images/{name}/tag?repo=&tag=}: 201 with an empty body. */
    public ApiResponse tag(ApiRequest request, String name) {
        tagger.tag(name, request.param("repo").orElse(""), request.param("tag").orElse(""));
        return new ApiResponse(201, Map.of(), new byte[0]);
    }

    /** {@code POST /images/create?fromImage=&tag=&platform=}: a pull of manifest and config, never layers. */
    public ApiResponse create(ApiRequest request) {
        if (request.param("fromSrc").filter(s -> !s.isEmpty()).isPresent()) {
            throw new DockerApiException(
                    DockerApiException.Kind.NOT_IMPLEMENTED, "image import (fromSrc) is not supported");
        }
        ImageReference reference = pullReference(
                request.param("fromImage").orElse(""), request.param("tag").orElse(""));
        Platform platform = request.param("platform")
                .filter(p -> !p.isBlank())
                .map(ImageHandlers::parsePlatform)
                .orElse(defaultPlatform);
        RegistryCredentials credentials;
        try {
            credentials =
                    RegistryAuthHeader.decode(request.header("X-Registry-Auth").orElse(null));
        } catch (DockerApiException e) {
            credentials = RegistryCredentials.ANONYMOUS; // dockerd ignores an undecodable header on pull
        }
        ImagePuller.PullRequest pull = new ImagePuller.PullRequest(reference, platform, credentials);
        try {
            return JsonMessages.run(messages -> puller.pull(pull, messages));
        } catch (DockerApiException e) {
            if (e.kind() == DockerApiException.Kind.UNAUTHORIZED) {
                // A 401 makes the docker CLI prompt for a login and hang: report it as Docker does a denied pull.
                throw DockerApiException.notFound("pull access denied for " + reference.familiarName()
                        + ", repository does not exist or may require 'docker login': " + e.getMessage());
            }
            throw e;
        }
    }

    /**
     * The reference to pull from {@code fromImage} and {@code tag}, as moby's {@code postImagesCreate}: a digest may
     * travel in {@code tag}; {@code fromImage} may carry its own tag or digest; a trailing ':' is dropped; with
     * neither, {@code latest} (dockerd would pull every tag, which this server does not do).
     */
    static ImageReference pullReference(String fromImage, String tag) {
        String image = fromImage.endsWith(":") ? fromImage.substring(0, fromImage.length() - 1) : fromImage;
        if (image.isEmpty()) {
            throw DockerApiException.invalid(
                    "invalid reference format: repository name must have at least one component");
        }
        ImageReference ref = ImageReference.parse(image);
        if (!tag.isEmpty()) {
            if (Digest.isDigest(tag)) {
                ref = ref.repositoryOnly().withDigest(Digest.parse(tag));
            } else if (ImageReference.isValidTag(tag)) {
                ref = ref.digest() != null ? ref : ref.withTag(tag);
            } else {
                throw DockerApiException.invalid("invalid reference format: " + image + ":" + tag);
            }
        }
        if (ref.tag() != null && ref.digest() != null) {
            ref = ref.repositoryOnly().withDigest(ref.digest());
        }
        return ref.tag() == null && ref.digest() == null ? ref.withTag(ImageReference.DEFAULT_TAG) : ref;
    }

    /** The JSON form of {@code platform=} (OCI image-spec {@code v1.Platform}). */
    static final GoJson.Struct PLATFORM = GoJson.struct("ocispec.Platform")
            .field("architecture", GoJson.STRING)
            .field("os", GoJson.STRING)
            .field("os.version", GoJson.STRING)
            .field("os.features", GoJson.list(GoJson.STRING))
            .field("variant", GoJson.STRING);

    /** {@code os/arch[/variant]}, or the JSON form {@code {"os":..,"architecture":..,"variant":..}}. */
    static Platform parsePlatform(String text) {
        String t = text.trim();
        if (t.startsWith("{")) {
            try {
                JsonNode node = ApiResponse.MAPPER.readTree(t);
                GoJson.checkBody(node, PLATFORM);
                return Platform.of(
                        node.path("os").asText(""),
                        node.path("architecture").asText(""),
                        node.path("variant").asText(""));
            } catch (DockerApiException | RegistryException e) {
                throw e;
            } catch (Exception e) {
                throw DockerApiException.invalid("invalid platform: " + text);
            }
        }
        return Platform.parse(t);
    }

    /** {@code GET /images/{name}/json}. */
    public ApiResponse inspect(ApiRequest request, String name) {
        if (request.flag("manifests")
                && request.param("platform").filter(p -> !p.isEmpty()).isPresent()) {
            throw DockerApiException.invalid("conflicting options: manifests and platform options cannot both be set");
        }
        return ApiResponse.json(200, ImageJson.inspect(lookup.get(name), request.version()));
    }

    /** {@code GET /images/json?filters=&all=}. */
    public ApiResponse list(ApiRequest request) {
        ImageFilters filters = ImageFilters.parse(request.param("filters").orElse(null));
        if (request.param("filter").filter(s -> !s.isEmpty()).isPresent()) { // API < 1.41 spelling of reference
            filters = ImageFilters.parse(
                    "{\"reference\":{\"" + request.param("filter").get().replace("\"", "") + "\":true}}");
        }
        Map<Digest, List<ImageRef>> refsByImage =
                store.listRefs().stream().collect(Collectors.groupingBy(ImageRef::imageId));
        List<ImageSummary> images = new ArrayList<>(store.listSummaries()); // no configs: only what the list shows
        images.sort(Comparator.comparing(ImageSummary::storedAt, Comparator.nullsLast(Comparator.reverseOrder())));
        ArrayNode out = ApiResponse.MAPPER.createArrayNode();
        for (ImageSummary image : images) {
            List<ImageRef> refs = refsByImage.getOrDefault(image.id(), List.of());
            if (filters.matches(refs, ImageJson.labels(image))) {
                out.add(ImageJson.summary(image, filters.visibleRefs(refs), request.version()));
            }
        }
        return ApiResponse.json(200, out);
    }
}
