package dev.sockerless.aca.bridge;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class WireTest {

    static InputStream in(String s) {
        return new ByteArrayInputStream(s.getBytes(StandardCharsets.ISO_8859_1));
    }

    @Test
    void readsKeepAliveRequestsWithChunkedAndFixedBodies() throws IOException {
        InputStream in = in("POST /v1.50/images/load?quiet=1 HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n"
                + "3;ext=1\r\nabc\r\n2\r\nde\r\n0\r\nTrailer: t\r\n\r\n"
                + "POST /b HTTP/1.1\r\nHost: x\r\nContent-Length: 3\r\n\r\nxyzGET /c HTTP/1.1\r\nHost: x\r\n\r\n");
        HttpRequest first = Wire.readRequest(in);
        assertThat(first.route()).isEqualTo("/images/load");
        assertThat(first.versionPrefix()).isEqualTo("/v1.50");
        assertThat(first.flag("quiet")).isTrue();
        assertThat(new String(first.body().readAllBytes(), StandardCharsets.UTF_8))
                .isEqualTo("abcde");
        HttpRequest second = Wire.readRequest(in);
        assertThat(new String(second.body().readAllBytes(), StandardCharsets.UTF_8))
                .isEqualTo("xyz");
        HttpRequest third = Wire.readRequest(in);
        assertThat(third.target()).isEqualTo("/c");
        assertThat(third.body().readAllBytes()).isEmpty();
        assertThat(Wire.readRequest(in)).isNull();
    }

    @Test
    void malformedRequestsAreRefusedWithKestrelsStatuses() {
        assertThatThrownBy(() -> Wire.readRequest(in("GET /" + "a".repeat(9000) + " HTTP/1.1\r\n\r\n")))
                .isInstanceOfSatisfying(
                        Wire.BadRequest.class, e -> assertThat(e.status).isEqualTo(414));
        assertThatThrownBy(() -> Wire.readRequest(in("GET / HTTP/1.1\r\nX: " + "a".repeat(40_000) + "\r\n\r\n")))
                .isInstanceOfSatisfying(
                        Wire.BadRequest.class, e -> assertThat(e.status).isEqualTo(431));
        assertThatThrownBy(() -> Wire.readRequest(in("GET / HTTP/1.1\r\nContent-Length: -1\r\n\r\n")))
                .isInstanceOfSatisfying(
                        Wire.BadRequest.class, e -> assertThat(e.status).isEqualTo(400));
        assertThatThrownBy(() -> Wire.readRequest(in("POST / HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n"))
                        .body()
                        .readAllBytes())
                .isInstanceOf(Wire.BadRequest.class);
        assertThatThrownBy(() -> Wire.readRequest(in("BROKEN\r\n\r\n"))).isInstanceOf(Wire.BadRequest.class);
    }

    @Test
    void chunkedOutputFramesEachWriteAndEndsOnce() throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        Wire.ChunkedOutput chunked = new Wire.ChunkedOutput(out);
        chunked.write("hello\n".getBytes(StandardCharsets.UTF_8));
        chunked.write(new byte[0]);
        chunked.close();
        chunked.close();
        assertThat(out.toString(StandardCharsets.ISO_8859_1)).isEqualTo("6\r\nhello\n\r\n0\r\n\r\n");
    }

    @Test
    void theFollowCursorReplacesTheFirstCallsParameters() {
        assertThat(FollowLogs.nextQuery("follow=1&since=17&stderr=1&stdout=1&tail=5&timestamps=1", "a+b/c="))
                .isEqualTo("follow=1&stderr=1&stdout=1&timestamps=1&cursor=a%2Bb%2Fc%3D");
    }
}
