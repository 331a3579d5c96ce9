package dev.sockerless.aca.blobs;

/**
 * A validated {@code fromBlob} URL.
 *
 * @param endpoint      the account's blob endpoint ({@code scheme://host[:port][/account]})
 * @param container     the container name
 * @param blobName      the blob name, decoded
 * @param url           the URL as shown in messages (no query, fragment or user info)
 * @param ownConnection true when the endpoint is the state storage connection's (its key or SAS signs requests)
 */
public record BlobLocation(String endpoint, String container, String blobName, String url, boolean ownConnection) {

    @Override
    public String toString() {
        return url;
    }
}
