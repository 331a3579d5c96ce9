package dev.sockerless.aca.docker;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.sockerless.aca.errors.DockerApiException;
import dev.sockerless.aca.images.RegistryFailures;
import dev.sockerless.aca.json.GoJson;
import dev.sockerless.aca.registry.RegistryCredentials;
import dev.sockerless.aca.registry.RegistryException;
import dev.sockerless.aca.registry.RegistryLogin;

/** {@code POST /auth}: checks registry credentials; they are never stored or logged. */
public final class LoginHandler {

    private final RegistryLogin login;

    public LoginHandler(RegistryLogin login) {
        this.login = login;
    }

    public ApiResponse auth(ApiRequest request) {
        JsonNode body;
        try {
            body = ApiResponse.MAPPER.readTree(request.body());
        } catch (Exception e) {
            throw DockerApiException.invalid("invalid JSON body for /auth");
        }
        if (body == null || !body.isObject()) {
            throw DockerApiException.invalid("invalid JSON body for /auth: expected an object");
        }
        GoJson.checkBody(body, AUTH_CONFIG);
        String username = body.path("username").asText("");
        String password = body.path("password").asText("");
        if (username.isEmpty() || password.isEmpty()) {
            throw DockerApiException.unauthorized(REFUSED_WITHOUT_CREDENTIALS);
        }
        try {
            login.check(body.path("serveraddress").asText(""), new RegistryCredentials.Basic(username, password));
        } catch (RegistryException e) {
            throw RegistryFailures.toDocker(e);
        }
        ObjectNode ok = ApiResponse.MAPPER.createObjectNode();
        ok.put("Status", "Login Succeeded");
        ok.put("IdentityToken", "");
        return ApiResponse.json(200, ok);
    }

    /** moby {@code api/types/registry.AuthConfig}. */
    static final GoJson.Struct AUTH_CONFIG = GoJson.struct("registry.AuthConfig")
            .field("username", GoJson.STRING)
            .field("password", GoJson.STRING)
            .field("auth", GoJson.STRING)
            .field("email", GoJson.STRING)
            .field("serveraddress", GoJson.STRING)
            .field("identitytoken", GoJson.STRING)
            .field("registrytoken", GoJson.STRING);

    static final String REFUSED_WITHOUT_CREDENTIALS = "unauthorized: a user name and a password are required";
}
