package dev.sockerless.aca.registry;

import java.net.URI;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Where a registry name is reached: a configured mirror ({@code SOCKERLESS_REGISTRY_MIRRORS}), Docker Hub's API
 * host for {@code docker.io}, plain HTTP for {@code SOCKERLESS_INSECURE_REGISTRIES}, HTTPS otherwise.
 */
public final class RegistryEndpoints {

    public static final URI DOCKER_HUB_API = URI.create("https://registry-1.docker.io");

    private final Map<String, URI> mirrors;
    private final Set<String> insecure;

    public RegistryEndpoints(Map<String, URI> mirrors, Iterable<String> insecureRegistries) {
        this.mirrors = Map.copyOf(mirrors);
        java.util.List<String> list = new java.util.ArrayList<>();
        insecureRegistries.forEach(list::add);
        this.insecure = list.stream().map(s -> s.toLowerCase(Locale.ROOT)).collect(Collectors.toUnmodifiableSet());
    }

    /** The base URI (scheme, host, port; no path) for the registry named in references. */
    public URI baseFor(String registry) {
        String name = registry.toLowerCase(Locale.ROOT);
        URI mirror = mirrors.get(name);
        if (mirror != null) {
            return mirror;
        }
        if (ImageReference.DOCKER_HUB.equals(name)) {
            return DOCKER_HUB_API;
        }
        return URI.create((isInsecure(name) ? "http://" : "https://") + name);
    }

    /** True when {@code hostPort} may be reached over plain HTTP and on private addresses. */
    public boolean isInsecure(String hostPort) {
        return insecure.contains(hostPort.toLowerCase(Locale.ROOT));
    }

    /** The {@code host[:port]} authorities the operator trusts: insecure registries and mirror endpoints. */
    public java.util.List<String> trustedAuthorities() {
        java.util.List<String> out = new java.util.ArrayList<>(insecure);
        mirrors.values().forEach(m -> out.add(m.getRawAuthority().toLowerCase(Locale.ROOT)));
        return out;
    }

    /** True when the endpoint is a configured mirror or an insecure registry (trusted by the operator). */
    public boolean isOperatorTrusted(URI endpoint) {
        String authority = endpoint.getRawAuthority() == null
                ? ""
                : endpoint.getRawAuthority().toLowerCase(Locale.ROOT);
        return isInsecure(authority)
                || mirrors.values().stream()
                        .anyMatch(m -> authority.equals(m.getRawAuthority().toLowerCase(Locale.ROOT)));
    }
}
