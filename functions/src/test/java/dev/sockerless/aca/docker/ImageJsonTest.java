package dev.sockerless.aca.docker;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.sockerless.aca.images.ImageLookup.FoundImage;
import dev.sockerless.aca.images.ImageRecord;
import dev.sockerless.aca.images.ImageRef;
import dev.sockerless.aca.registry.Digest;
import dev.sockerless.aca.registry.ImageReference;
import dev.sockerless.aca.registry.Platform;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Golden tests of Docker's image JSON. Expected documents are written from the Engine API facts
 * ({@code api/types/image/image_inspect.go}, {@code summary.go}, {@code container/config.go}) and compared as
 * whole documents, key order included, because the CLI prints the server's field order.
 */
class ImageJsonTest {

    static final ObjectMapper MAPPER = new ObjectMapper();
    static final long SIZE = 7834920L;
    static final String DIFF1 = "sha256:" + "1".repeat(64);
    static final String DIFF2 = "sha256:" + "2".repeat(64);
    static final Digest RESOLVED = new Digest("d".repeat(64));

    /** A config with every member the inspect document copies; created has nanoseconds with trailing zeros. */
    static final String RICH_CONFIG = """
            {"architecture":"amd64","os":"linux","created":"2024-03-05T06:07:08.123456000Z",
             "author":"fixture@sockerless.dev",
             "config":{"User":"app","ExposedPorts":{"8080/tcp":{}},"Env":["PATH=/usr/bin:/bin","GREETING=hi"],
                       "Entrypoint":["/app/entry"],"Cmd":["serve","--port","8080"],"WorkingDir":"/app",
                       "Labels":{"org.example.name":"fixture","version":"1"}},
             "rootfs":{"type":"layers","diff_ids":["%D1%","%D2%"]},
             "history":[{"created":"2024-03-05T06:00:00Z","created_by":"ADD base / # buildkit","comment":"base layer"},
                        {"created":"2024-03-05T06:07:08Z","created_by":"COPY app /app # buildkit","comment":"buildkit.dockerfile.v0"}]}
            """.replace("%D1%", DIFF1).replace("%D2%", DIFF2);

    /** No created, no config members, no labels, an arm64/v8 platform. */
    static final String BARE_CONFIG = """
            {"architecture":"arm64","variant":"v8","os":"linux","rootfs":{"type":"layers","diff_ids":["%D1%"]}}
            """.replace("%D1%", DIFF1);

    static ImageRecord record(String config, Instant lastTagTime) {
        byte[] bytes = config.getBytes(StandardCharsets.UTF_8);
        return new ImageRecord(
                Digest.of(bytes),
                bytes,
                new Digest("e".repeat(64)),
                "application/vnd.oci.image.manifest.v1+json",
                Platform.LINUX_AMD64,
                SIZE,
                "docker.io/library/alpine",
                lastTagTime,
                Instant.parse("2024-04-01T00:00:00Z"));
    }

    static ImageRef ref(String reference, ImageRecord image, Digest resolved) {
        return new ImageRef(ImageReference.parse(reference), image.id(), resolved, "linux/amd64", Instant.EPOCH);
    }

    /** alpine:latest pulled by tag, resolved to {@link #RESOLVED}. */
    static FoundImage pulledByTag() {
        ImageRecord image = record(RICH_CONFIG, null);
        return new FoundImage(image, List.of(ref("docker.io/library/alpine:latest", image, RESOLVED)));
    }

    /** The exact serialisation of {@code expected} (parsed and re-written, keeping its key order). */
    static String canonical(String expected) throws Exception {
        return MAPPER.writeValueAsString(MAPPER.readTree(expected));
    }

    /** Same members, values and key order at every level (as the serialised text; numbers compare by value). */
    static void assertSameDocument(JsonNode actual, String expected) throws Exception {
        assertThat(MAPPER.writeValueAsString(actual)).isEqualTo(canonical(expected));
    }

    static List<String> keys(JsonNode node) {
        List<String> out = new ArrayList<>();
        for (Iterator<String> it = node.fieldNames(); it.hasNext(); ) {
            out.add(it.next());
        }
        return out;
    }

    static String fill(String template, FoundImage found) {
        return template.replace("%ID%", found.image().id().toString())
                .replace("%R%", RESOLVED.toString())
                .replace("%D1%", DIFF1)
                .replace("%D2%", DIFF2);
    }

    // ---------------------------------------------------------------- inspect: config shapes by version

    static final String LEGACY_RICH_CONFIG = """
            {"Hostname":"","Domainname":"","User":"app","AttachStdin":false,"AttachStdout":false,"AttachStderr":false,
             "ExposedPorts":{"8080/tcp":{}},"Tty":false,"OpenStdin":false,"StdinOnce":false,
             "Env":["PATH=/usr/bin:/bin","GREETING=hi"],"Cmd":["serve","--port","8080"],"Image":"","Volumes":null,
             "WorkingDir":"/app","Entrypoint":["/app/entry"],"OnBuild":null,
             "Labels":{"org.example.name":"fixture","version":"1"}}""";

    static final String LEGACY_EMPTY_CONFIG = """
            {"Hostname":"","Domainname":"","User":"","AttachStdin":false,"AttachStdout":false,"AttachStderr":false,
             "Tty":false,"OpenStdin":false,"StdinOnce":false,"Env":null,"Cmd":null,"Image":"","Volumes":null,
             "WorkingDir":"","Entrypoint":null,"OnBuild":null,"Labels":null}""";

    static final String OCI_RICH_CONFIG = """
            {"User":"app","ExposedPorts":{"8080/tcp":{}},"Env":["PATH=/usr/bin:/bin","GREETING=hi"],
             "Entrypoint":["/app/entry"],"Cmd":["serve","--port","8080"],"WorkingDir":"/app",
             "Labels":{"org.example.name":"fixture","version":"1"}}""";

    @Test
    void inspectAt143HasContainerConfigVirtualSizeAndTheLegacyConfig() throws Exception {
        FoundImage found = pulledByTag();
        String expected = fill("""
                {"Id":"%ID%","RepoTags":["alpine:latest"],"RepoDigests":["alpine@%R%"],"Parent":"",
                 "Comment":"buildkit.dockerfile.v0","Created":"2024-03-05T06:07:08.123456Z",
                 "Container":"","ContainerConfig":""" + LEGACY_EMPTY_CONFIG + """
                ,"DockerVersion":"","Author":"fixture@sockerless.dev","Config":""" + LEGACY_RICH_CONFIG + """
                ,"Architecture":"amd64","Os":"linux","Size":7834920,"VirtualSize":7834920,
                 "GraphDriver":{"Data":null,"Name":"overlay2"},
                 "RootFS":{"Type":"layers","Layers":["%D1%","%D2%"]},
                 "Metadata":{"LastTagTime":"0001-01-01T00:00:00Z"}}""", found);

        assertSameDocument(ImageJson.inspect(found, new ApiVersion(1, 43)), expected);
    }

    @Test
    void inspectAt144DropsVirtualSizeButKeepsContainerConfig() throws Exception {
        FoundImage found = pulledByTag();
        String expected = fill("""
                {"Id":"%ID%","RepoTags":["alpine:latest"],"RepoDigests":["alpine@%R%"],"Parent":"",
                 "Comment":"buildkit.dockerfile.v0","Created":"2024-03-05T06:07:08.123456Z",
                 "Container":"","ContainerConfig":""" + LEGACY_EMPTY_CONFIG + """
                ,"DockerVersion":"","Author":"fixture@sockerless.dev","Config":""" + LEGACY_RICH_CONFIG + """
                ,"Architecture":"amd64","Os":"linux","Size":7834920,
                 "GraphDriver":{"Data":null,"Name":"overlay2"},
                 "RootFS":{"Type":"layers","Layers":["%D1%","%D2%"]},
                 "Metadata":{"LastTagTime":"0001-01-01T00:00:00Z"}}""", found);

        assertSameDocument(ImageJson.inspect(found, new ApiVersion(1, 44)), expected);
    }

    @Test
    void inspectAt149HasNoContainerConfigAndTheLegacyConfig() throws Exception {
        FoundImage found = pulledByTag();
        String expected = fill("""
                {"Id":"%ID%","RepoTags":["alpine:latest"],"RepoDigests":["alpine@%R%"],"Parent":"",
                 "Comment":"buildkit.dockerfile.v0","Created":"2024-03-05T06:07:08.123456Z",
                 "DockerVersion":"","Author":"fixture@sockerless.dev","Config":""" + LEGACY_RICH_CONFIG + """
                ,"Architecture":"amd64","Os":"linux","Size":7834920,
                 "GraphDriver":{"Data":null,"Name":"overlay2"},
                 "RootFS":{"Type":"layers","Layers":["%D1%","%D2%"]},
                 "Metadata":{"LastTagTime":"0001-01-01T00:00:00Z"}}""", found);

        assertSameDocument(ImageJson.inspect(found, new ApiVersion(1, 49)), expected);
    }

    @Test
    void inspectAt150And151HasTheOciConfigWithEmptyMembersOmitted() throws Exception {
        FoundImage found = pulledByTag();
        String expected = fill("""
                {"Id":"%ID%","RepoTags":["alpine:latest"],"RepoDigests":["alpine@%R%"],"Parent":"",
                 "Comment":"buildkit.dockerfile.v0","Created":"2024-03-05T06:07:08.123456Z",
                 "DockerVersion":"","Author":"fixture@sockerless.dev","Config":""" + OCI_RICH_CONFIG + """
                ,"Architecture":"amd64","Os":"linux","Size":7834920,
                 "GraphDriver":{"Data":null,"Name":"overlay2"},
                 "RootFS":{"Type":"layers","Layers":["%D1%","%D2%"]},
                 "Metadata":{"LastTagTime":"0001-01-01T00:00:00Z"}}""", found);

        assertSameDocument(ImageJson.inspect(found, new ApiVersion(1, 50)), expected);
        assertSameDocument(ImageJson.inspect(found, new ApiVersion(1, 51)), expected);
    }

    @Test
    void inspectTopLevelKeysFollowDockersFieldOrderAtEveryVersion() {
        FoundImage found = pulledByTag();
        assertThat(keys(ImageJson.inspect(found, new ApiVersion(1, 43))))
                .containsExactly(
                        "Id",
                        "RepoTags",
                        "RepoDigests",
                        "Parent",
                        "Comment",
                        "Created",
                        "Container",
                        "ContainerConfig",
                        "DockerVersion",
                        "Author",
                        "Config",
                        "Architecture",
                        "Os",
                        "Size",
                        "VirtualSize",
                        "GraphDriver",
                        "RootFS",
                        "Metadata");
        assertThat(keys(ImageJson.inspect(found, new ApiVersion(1, 51))))
                .containsExactly(
                        "Id",
                        "RepoTags",
                        "RepoDigests",
                        "Parent",
                        "Comment",
                        "Created",
                        "DockerVersion",
                        "Author",
                        "Config",
                        "Architecture",
                        "Os",
                        "Size",
                        "GraphDriver",
                        "RootFS",
                        "Metadata");
    }

    // ---------------------------------------------------------------- inspect: names and times

    @Test
    void inspectListsTwoTagsSortedAndOneDigestForTagsAndADigestReferenceResolvedAlike() throws Exception {
        ImageRecord image = record(RICH_CONFIG, Instant.parse("2024-07-08T09:10:11.120Z"));
        FoundImage found = new FoundImage(
                image,
                List.of(
                        ref("docker.io/library/alpine:latest", image, RESOLVED),
                        ref("docker.io/library/alpine:3.19", image, RESOLVED),
                        ref("docker.io/library/alpine@" + RESOLVED, image, RESOLVED)));

        JsonNode inspect = ImageJson.inspect(found, new ApiVersion(1, 51));

        assertThat(inspect.get("RepoTags")).isEqualTo(MAPPER.readTree("[\"alpine:3.19\",\"alpine:latest\"]"));
        assertThat(inspect.get("RepoDigests")).isEqualTo(MAPPER.readTree("[\"alpine@" + RESOLVED + "\"]"));
        assertThat(inspect.get("Metadata").toString()).isEqualTo("{\"LastTagTime\":\"2024-07-08T09:10:11.12Z\"}");
    }

    @Test
    void inspectOfAnUntaggedImageWithoutCreatedHasEmptyArraysVariantAndZeroCreatedBelow144() throws Exception {
        ImageRecord image = record(BARE_CONFIG, null);
        FoundImage found = new FoundImage(image, List.of());
        String at143 = fill("""
                {"Id":"%ID%","RepoTags":[],"RepoDigests":[],"Parent":"","Comment":"","Created":"0001-01-01T00:00:00Z",
                 "Container":"","ContainerConfig":""" + LEGACY_EMPTY_CONFIG + """
                ,"DockerVersion":"","Author":"","Config":""" + LEGACY_EMPTY_CONFIG + """
                ,"Architecture":"arm64","Variant":"v8","Os":"linux","Size":7834920,"VirtualSize":7834920,
                 "GraphDriver":{"Data":null,"Name":"overlay2"},"RootFS":{"Type":"layers","Layers":["%D1%"]},
                 "Metadata":{"LastTagTime":"0001-01-01T00:00:00Z"}}""", found);
        String at151 = fill("""
                {"Id":"%ID%","RepoTags":[],"RepoDigests":[],"Parent":"","Comment":"",
                 "DockerVersion":"","Author":"","Config":{},
                 "Architecture":"arm64","Variant":"v8","Os":"linux","Size":7834920,
                 "GraphDriver":{"Data":null,"Name":"overlay2"},"RootFS":{"Type":"layers","Layers":["%D1%"]},
                 "Metadata":{"LastTagTime":"0001-01-01T00:00:00Z"}}""", found);

        assertSameDocument(ImageJson.inspect(found, new ApiVersion(1, 43)), at143);
        assertSameDocument(ImageJson.inspect(found, new ApiVersion(1, 51)), at151);
    }

    @Test
    void inspectNamesImagesFromOtherRegistriesByTheirFamiliarForm() throws Exception {
        ImageRecord image = record(RICH_CONFIG, null);
        FoundImage found = new FoundImage(
                image,
                List.of(ref("myreg:5000/team/app:v1", image, RESOLVED), ref("docker.io/user/app:latest", image, null)));

        JsonNode inspect = ImageJson.inspect(found, new ApiVersion(1, 51));

        assertThat(inspect.get("RepoTags"))
                .isEqualTo(MAPPER.readTree("[\"myreg:5000/team/app:v1\",\"user/app:latest\"]"));
        assertThat(inspect.get("RepoDigests")).isEqualTo(MAPPER.readTree("[\"myreg:5000/team/app@" + RESOLVED + "\"]"));
    }

    // ---------------------------------------------------------------- summary

    @Test
    void summaryAt151CountsZeroContainersWithCreatedInUnixSecondsAndTheLabels() throws Exception {
        FoundImage found = pulledByTag();
        String expected = fill("""
                {"Containers":0,"Created":1709618828,"Id":"%ID%",
                 "Labels":{"org.example.name":"fixture","version":"1"},"ParentId":"",
                 "RepoDigests":["alpine@%R%"],"RepoTags":["alpine:latest"],"SharedSize":-1,"Size":7834920}""", found);

        assertSameDocument(ImageJson.summary(found, new ApiVersion(1, 51)), expected);
    }

    @Test
    void summaryBefore151HasMinusOneContainersAndBefore144AVirtualSize() throws Exception {
        FoundImage found = pulledByTag();
        String at150 = fill("""
                {"Containers":-1,"Created":1709618828,"Id":"%ID%",
                 "Labels":{"org.example.name":"fixture","version":"1"},"ParentId":"",
                 "RepoDigests":["alpine@%R%"],"RepoTags":["alpine:latest"],"SharedSize":-1,"Size":7834920}""", found);
        String at143 = fill("""
                {"Containers":-1,"Created":1709618828,"Id":"%ID%",
                 "Labels":{"org.example.name":"fixture","version":"1"},"ParentId":"",
                 "RepoDigests":["alpine@%R%"],"RepoTags":["alpine:latest"],"SharedSize":-1,"Size":7834920,
                 "VirtualSize":7834920}""", found);

        assertSameDocument(ImageJson.summary(found, new ApiVersion(1, 50)), at150);
        assertSameDocument(ImageJson.summary(found, new ApiVersion(1, 44)), at150);
        assertSameDocument(ImageJson.summary(found, new ApiVersion(1, 43)), at143);
    }

    @Test
    void summaryOfAnUntaggedImageHasNoneNamesBelow143AndEmptyArraysFrom143WithNullLabels() throws Exception {
        FoundImage found = new FoundImage(record(BARE_CONFIG, null), List.of());
        String at142 = fill("""
                {"Containers":-1,"Created":0,"Id":"%ID%","Labels":null,"ParentId":"",
                 "RepoDigests":["<none>@<none>"],"RepoTags":["<none>:<none>"],"SharedSize":-1,"Size":7834920,
                 "VirtualSize":7834920}""", found);
        String at143 = fill("""
                {"Containers":-1,"Created":0,"Id":"%ID%","Labels":null,"ParentId":"",
                 "RepoDigests":[],"RepoTags":[],"SharedSize":-1,"Size":7834920,"VirtualSize":7834920}""", found);

        assertSameDocument(ImageJson.summary(found, new ApiVersion(1, 42)), at142);
        assertSameDocument(ImageJson.summary(found, new ApiVersion(1, 43)), at143);
    }

    @Test
    void legacyConfigKeepsEmptyListsAndMapsButNullsAbsentMembers() {
        String config =
                "{\"architecture\":\"amd64\",\"os\":\"linux\",\"config\":{\"Env\":[],\"Labels\":{}},\"rootfs\":{\"type\":\"layers\",\"diff_ids\":[]}}";
        com.fasterxml.jackson.databind.JsonNode legacy = ImageJson.inspect(
                        new FoundImage(record(config, null), List.of()), new ApiVersion(1, 44))
                .path("Config");
        assertThat(legacy.path("Env").toString()).isEqualTo("[]");
        assertThat(legacy.path("Labels").toString()).isEqualTo("{}");
        assertThat(legacy.path("Cmd").isNull()).isTrue();
    }
}
