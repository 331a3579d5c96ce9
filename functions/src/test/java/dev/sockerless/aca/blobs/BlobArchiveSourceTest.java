package dev.sockerless.aca.blobs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.azure.core.http.HttpClient;
import dev.sockerless.aca.errors.DockerApiException;
import dev.sockerless.aca.errors.DockerApiException.Kind;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** URL validation (no request is ever made here) and connection string parsing. */
class BlobArchiveSourceTest {

    static final String KEY = "a2V5a2V5a2V5";
    static final String AZURITE = "DefaultEndpointsProtocol=http;AccountName=devstoreaccount1;AccountKey=" + KEY
            + ";BlobEndpoint=http://127.0.0.1:10000/devstoreaccount1;TableEndpoint=http://127.0.0.1:10002/devstoreaccount1;";

    static BlobArchiveSource source(String connection, String... hosts) {
        return new BlobArchiveSource(
                StorageConnection.parse(connection),
                List.of(hosts),
                "SOCKERLESS_LOAD_BLOB_ACCOUNTS",
                () -> {
                    throw new AssertionError("no credential is needed to validate");
                },
                HttpClient.createDefault(),
                BlobArchiveSource.defaultRetry());
    }

    @Test
    void connectionStringsGiveTheBlobEndpointAndNeverEchoTheKey() {
        assertThat(StorageConnection.parse(AZURITE).blobEndpoint().toString())
                .isEqualTo("http://127.0.0.1:10000/devstoreaccount1");
        StorageConnection account =
                StorageConnection.parse("DefaultEndpointsProtocol=https;AccountName=acct;AccountKey=" + KEY
                        + ";EndpointSuffix=core.windows.net");
        assertThat(account.blobEndpoint().toString()).isEqualTo("https://acct.blob.core.windows.net");
        assertThat(account.hasSecret()).isTrue();
        assertThat(account.toString()).doesNotContain(KEY);
        assertThat(StorageConnection.parse("AccountName=acct").blobEndpoint().toString())
                .isEqualTo("https://acct.blob.core.windows.net");
        assertThat(StorageConnection.parse("AccountName=acct").hasSecret()).isFalse();
        assertThat(StorageConnection.parse("UseDevelopmentStorage=true")
                        .blobEndpoint()
                        .toString())
                .isEqualTo("http://127.0.0.1:10000/devstoreaccount1");
        assertThatThrownBy(() -> StorageConnection.parse("AccountKey=" + KEY + ";garbage"))
                .hasMessageContaining("storage connection string is malformed")
                .hasMessageNotContaining(KEY);
        assertThatThrownBy(() -> source(AZURITE, "not a host"))
                .hasMessageContaining("SOCKERLESS_LOAD_BLOB_ACCOUNTS")
                .hasMessageNotContaining(KEY);
    }

    @Test
    void acceptedUrls() {
        BlobArchiveSource azurite = source(AZURITE, "other.blob.core.windows.net");
        BlobLocation l = azurite.locate("http://127.0.0.1:10000/devstoreaccount1/uploads/dir/app%20v1.tar.gz");
        assertThat(l.endpoint()).isEqualTo("http://127.0.0.1:10000/devstoreaccount1");
        assertThat(l.container()).isEqualTo("uploads");
        assertThat(l.blobName()).isEqualTo("dir/app v1.tar.gz");
        assertThat(l.url()).isEqualTo("http://127.0.0.1:10000/devstoreaccount1/uploads/dir/app%20v1.tar.gz");
        assertThat(l.ownConnection()).isTrue();
        BlobLocation other = azurite.locate("https://OTHER.blob.core.windows.net/uploads/x.tar");
        assertThat(other.endpoint()).isEqualTo("https://other.blob.core.windows.net");
        assertThat(other.ownConnection()).isFalse();
        BlobArchiveSource cloud =
                source("DefaultEndpointsProtocol=https;AccountName=acct;EndpointSuffix=core.windows.net");
        BlobLocation own = cloud.locate("https://acct.blob.core.windows.net:443/uploads/a.tar");
        assertThat(own.ownConnection()).isTrue();
        assertThat(own.url()).isEqualTo("https://acct.blob.core.windows.net/uploads/a.tar");
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', textBlock = """
            https://evil.blob.core.windows.net/imgs/a.tar                       | FORBIDDEN         | storage account evil.blob.core.windows.net is not allowed
            https://127.0.0.1:10000/devstoreaccount1/imgs/a.tar                 | FORBIDDEN         | is not allowed
            http://other.blob.core.windows.net/imgs/a.tar                       | INVALID_PARAMETER | plain http is accepted only
            http://127.0.0.1:10001/devstoreaccount1/imgs/a.tar                  | INVALID_PARAMETER | plain http is accepted only
            http://localhost:10000/devstoreaccount1/imgs/a.tar                  | INVALID_PARAMETER | plain http is accepted only
            ftp://other.blob.core.windows.net/imgs/a.tar                        | INVALID_PARAMETER | is not an https:// URL
            /devstoreaccount1/imgs/a.tar                                        | INVALID_PARAMETER | is not an https:// URL
            http://127.0.0.1:10000/devstoreaccount1/imgs/../img2/a.tar            | INVALID_PARAMETER | '..' segment
            http://127.0.0.1:10000/devstoreaccount1/imgs/x/%2e%2e/a.tar         | INVALID_PARAMETER | '..' segment
            http://127.0.0.1:10000/devstoreaccount1/imgs/x/./a.tar              | INVALID_PARAMETER | '..' segment
            http://127.0.0.1:10000/devstoreaccount1/imgs/x//a.tar               | INVALID_PARAMETER | empty
            http://127.0.0.1:10000/devstoreaccount1/imgs/x%2Fa.tar              | INVALID_PARAMETER | encoded slashes
            http://127.0.0.1:10000/devstoreaccount1/imgs/a.tar?sig=SECRET       | INVALID_PARAMETER | query parameters (such as a SAS token) are not accepted
            https://other.blob.core.windows.net/imgs/a.tar?sv=1&sig=SECRET      | INVALID_PARAMETER | query parameters
            https://other.blob.core.windows.net/imgs/a.tar#frag                 | INVALID_PARAMETER | fragment
            https://user:SECRET@other.blob.core.windows.net/imgs/a.tar          | INVALID_PARAMETER | user info
            http://127.0.0.1:10000/devstoreaccount1/imgs/                       | INVALID_PARAMETER | does not name a blob
            http://127.0.0.1:10000/devstoreaccount1/imgs                      | INVALID_PARAMETER | does not name a blob
            http://127.0.0.1:10000/otheraccount/imgs/a.tar                      | INVALID_PARAMETER | does not name a blob of account http://127.0.0.1:10000/devstoreaccount1
            https://other.blob.core.windows.net/imgs/a.tar                    | FORBIDDEN         | only blobs of the uploads container 'uploads' are read (SOCKERLESS_LOAD_BLOB_CONTAINER), not of 'imgs'
            http://127.0.0.1:10000/devstoreaccount1/azure-webjobs-hosts/a.tar | FORBIDDEN         | not of 'azure-webjobs-hosts'
            https://other.blob.core.windows.net/Upper/a.tar                   | INVALID_PARAMETER | not a valid container name
            https://other.blob.core.windows.net/a--b/a.tar                    | INVALID_PARAMETER | not a valid container name
            https://other.blob.core.windows.net/imgs/a\\b.tar                   | INVALID_PARAMETER | not a valid URL
            not a url at all                                                  | INVALID_PARAMETER | not a valid URL
            """)
    void refusedBeforeAnyRequest(String url, Kind kind, String message) {
        BlobArchiveSource azurite = source(AZURITE, "other.blob.core.windows.net");
        assertThatThrownBy(() -> azurite.locate(url))
                .isInstanceOfSatisfying(
                        DockerApiException.class, e -> assertThat(e.kind()).isEqualTo(kind))
                .hasMessageContaining(message)
                .hasMessageNotContaining("SECRET")
                .hasMessageNotContaining(KEY);
    }

    @Test
    void emptyIsRefused() {
        assertThatThrownBy(() -> source(AZURITE).locate(" ")).hasMessageContaining("fromBlob is empty");
    }
}
