package dev.sockerless.aca.blobs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.sockerless.aca.errors.DockerApiException;
import java.net.URI;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The URL policy alone: no connection string, no client, no request. */
class BlobUrlPolicyTest {

    static final BlobUrlPolicy POLICY = new BlobUrlPolicy(
            URI.create("http://127.0.0.1:10000/devstoreaccount1"),
            List.of("https://other.blob.core.windows.net/"),
            "SOCKERLESS_LOAD_BLOB_ACCOUNTS",
            "uploads",
            "SOCKERLESS_LOAD_BLOB_CONTAINER");

    @Test
    void allowedAccountsAndTheUploadsContainerOnly() {
        BlobLocation own = POLICY.locate("http://127.0.0.1:10000/devstoreaccount1/uploads/a/b.tar");
        assertThat(own.ownConnection()).isTrue();
        assertThat(own.blobName()).isEqualTo("a/b.tar");
        BlobLocation other = POLICY.locate("https://OTHER.blob.core.windows.net/uploads/x.tar");
        assertThat(other.ownConnection()).isFalse();
        assertThat(other.url()).isEqualTo("https://other.blob.core.windows.net/uploads/x.tar");
        assertThatThrownBy(() -> POLICY.locate("https://evil.blob.core.windows.net/uploads/x.tar"))
                .isInstanceOfSatisfying(
                        DockerApiException.class,
                        e -> assertThat(e.kind()).isEqualTo(DockerApiException.Kind.FORBIDDEN));
        assertThatThrownBy(() -> POLICY.locate("https://other.blob.core.windows.net/state/x.tar"))
                .hasMessageContaining("only blobs of the uploads container 'uploads'");
        assertThatThrownBy(() -> POLICY.locate("https://other.blob.core.windows.net/uploads/x.tar?sig=secret"))
                .hasMessageNotContaining("secret")
                .hasMessageContaining("query parameters");
        assertThatThrownBy(() -> POLICY.locate("http://other.blob.core.windows.net/uploads/x.tar"))
                .hasMessageContaining("plain http is accepted only");
    }

    @Test
    void aMalformedSettingIsAConfigurationError() {
        assertThatThrownBy(() -> new BlobUrlPolicy(
                        URI.create("https://acct.blob.core.windows.net"), List.of("not a host"), "S", "uploads", "U"))
                .hasMessageContaining("configuration: S has a malformed entry 'not a host'");
        assertThatThrownBy(() -> new BlobUrlPolicy(
                        URI.create("https://acct.blob.core.windows.net"), List.of(), "S", "$root", "U"))
                .hasMessageContaining("configuration: U $root is not a valid blob container name");
    }
}
