package dev.sockerless.aca.localhost;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** What the host forwards of a body and how the worker converts it (sources in {@link RequestBody}). */
class RequestBodyTest {

    @Test
    void onlyOctetStreamAndMultipartAreForwardedAsBytes() {
        assertThat(RequestBody.forwardsBytes("application/octet-stream")).isTrue();
        assertThat(RequestBody.forwardsBytes(" APPLICATION/Octet-Stream ; q=1")).isTrue();
        assertThat(RequestBody.forwardsBytes("multipart/form-data; boundary=x")).isTrue();
        assertThat(RequestBody.forwardsBytes("application/x-multipart/mixed"))
                .as("contains multipart/")
                .isTrue();
        assertThat(RequestBody.forwardsBytes("application/x-tar")).isFalse();
        assertThat(RequestBody.forwardsBytes("application/json")).isFalse();
        assertThat(RequestBody.forwardsBytes("application/octet-streams")).isFalse();
        assertThat(RequestBody.forwardsBytes(null)).isFalse();
    }

    @Test
    void textIsUtf8WithByteOrderMarksAndReplacement() {
        assertThat(RequestBody.decodeText(bytes(0xEF, 0xBB, 0xBF, 'a'))).isEqualTo("a");
        assertThat(RequestBody.decodeText(bytes(0xFE, 0xFF, 0, 'a', 0, 0xE9))).isEqualTo("a\u00e9");
        assertThat(RequestBody.decodeText(bytes(0xFF, 0xFE, 'a', 0))).isEqualTo("a");
        assertThat(RequestBody.decodeText(bytes(0, 0, 0xFE, 0xFF, 0, 0, 0, 'a')))
                .isEqualTo("a");
        assertThat(RequestBody.decodeText(bytes(0xFF, 0xFE, 0, 0, 'a', 0, 0, 0)))
                .isEqualTo("a");
        assertThat(RequestBody.decodeText(bytes('a', 0xC3, 0x28, 'b'))).isEqualTo("a\uFFFD(b");
        assertThat(RequestBody.decodeText("h\u00e9".getBytes(StandardCharsets.UTF_8)))
                .isEqualTo("h\u00e9");
    }

    @Test
    void theWorkersConversions() throws Exception {
        byte[] b = bytes(1, 2, 0xFF);
        Object copy = RequestBody.convert(b, byte[].class);
        assertThat(copy).isEqualTo(b).isNotSameAs(b);
        assertThat(RequestBody.convert("ab".getBytes(StandardCharsets.US_ASCII), String.class))
                .isEqualTo("ab");
        assertThat(RequestBody.convert("x", String.class)).isEqualTo("x");
        assertThat(RequestBody.convert("x", null)).isEqualTo("x");
        assertThat(RequestBody.convert(null, byte[].class)).isNull();
        assertThatThrownBy(() -> RequestBody.convert("[1,2]", byte[].class))
                .isInstanceOf(RequestBody.BindingFailure.class);
        assertThat(RequestBody.convert(bytes(0xE9), String.class))
                .isEqualTo(new String(bytes(0xE9), Charset.defaultCharset()));
    }

    private static byte[] bytes(int... values) {
        byte[] out = new byte[values.length];
        for (int i = 0; i < values.length; i++) {
            out[i] = (byte) values[i];
        }
        return out;
    }
}
