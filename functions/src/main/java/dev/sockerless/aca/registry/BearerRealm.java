package dev.sockerless.aca.registry;

import java.net.URI;

/** Where a registry may send us for tokens: https, or http only when the registry itself is reached over http. */
final class BearerRealm {

    private BearerRealm() {}

    static URI validate(URI registryBase, String realm) {
        URI uri;
        try {
            uri = URI.create(realm);
        } catch (IllegalArgumentException e) {
            throw RegistryException.unreachable(
                    "fetch token",
                    registryBase,
                    "registry " + registryBase.getAuthority() + " sent an invalid token realm",
                    e);
        }
        boolean allowed = "https".equals(uri.getScheme())
                || ("http".equals(uri.getScheme()) && "http".equals(registryBase.getScheme()));
        if (!allowed || uri.getHost() == null) {
            throw RegistryException.unreachable(
                    "fetch token",
                    registryBase,
                    "registry " + registryBase.getAuthority() + " sent a token realm that is not https: "
                            + uri.getScheme() + "://" + uri.getHost(),
                    null);
        }
        return uri;
    }
}
