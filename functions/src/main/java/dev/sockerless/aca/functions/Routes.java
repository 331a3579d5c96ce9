package dev.sockerless.aca.functions;

/**
 * Route templates and function names. Every Engine API route is served twice, as Docker serves it: bare and under
 * a {@code /vX.Y/} prefix ({@value #VERSIONED}); the version itself is checked by {@link Http}.
 */
final class Routes {

    /** The version prefix, as an ASP.NET route template segment with a regex constraint. */
    static final String VERSIONED = "{apiVersion:regex(^v[0-9]+[.][0-9]+$)}/";
    /** Suffix of the function name of the versioned twin of each route. */
    static final String V = "Versioned";

    static final String PING = "_ping";
    static final String VERSION = "version";
    static final String AUTH = "auth";
    static final String IMAGES_CREATE = "images/create";
    static final String IMAGES_LIST = "images/json";
    static final String IMAGES_LOAD = "images/load";
    static final String IMAGES_ANY = "images/{*path}";
    static final String IMAGES_PRUNE = "images/prune";
    static final String CONTAINERS_CREATE = "containers/create";
    static final String CONTAINER = "containers/{id}";
    static final String CONTAINER_JSON = "containers/{id}/json";
    static final String CONTAINER_LOGS = "containers/{id}/logs";
    static final String CONTAINERS_LIST = "containers/json";
    static final String CONTAINERS_PRUNE = "containers/prune";
    static final String CONTAINER_START = "containers/{id}/start";
    static final String CONTAINER_STOP = "containers/{id}/stop";
    static final String CONTAINER_KILL = "containers/{id}/kill";
    static final String CONTAINER_RESTART = "containers/{id}/restart";
    static final String CONTAINER_WAIT = "containers/{id}/wait";
    static final String INFO = "info";
    /** The sockerless-specific routes for the frontend; not part of the Docker API, so not versioned. */
    static final String SOCKERLESS_CONTAINER = "sockerless/v1/containers/{id}/";

    private Routes() {}
}
