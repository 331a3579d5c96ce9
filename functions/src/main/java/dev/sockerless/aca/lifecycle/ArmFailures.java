package dev.sockerless.aca.lifecycle;

import com.azure.core.exception.HttpResponseException;
import dev.sockerless.aca.arm.ArmErrors;
import dev.sockerless.aca.errors.DockerApiException;

/**
 * ARM failures as Docker errors naming ARM, the operation and Azure's reason: 403 names the role the app's identity
 * needs, 404 and 409 keep their kinds, 400 is an invalid request (quota and template errors come as 400/409 with
 * Azure's code), 429 and 5xx are UNAVAILABLE.
 */
final class ArmFailures {

    /** Container Apps Jobs Contributor: create, start, stop and delete jobs (learn.microsoft.com built-in roles). */
    static final String JOBS_ROLE = "Container Apps Jobs Contributor (4e3d2b60-56ae-4dc6-a233-09c8e5a82e68)";

    private ArmFailures() {}

    static DockerApiException of(String operation, RuntimeException e) {
        if (e instanceof DockerApiException d) {
            return d;
        }
        if (e instanceof HttpResponseException h && h.getResponse() != null) {
            int status = h.getResponse().getStatusCode();
            String reason = "ARM answered HTTP " + status + ArmErrors.describe(h);
            String message = "ARM: cannot " + operation + ": " + reason;
            return switch (status) {
                case 400 -> DockerApiException.invalid(message);
                case 401, 403 ->
                    DockerApiException.forbidden(message + " (the app's identity needs the " + JOBS_ROLE
                            + " role on the resource group, and Microsoft.App/managedEnvironments/join/action on the"
                            + " environment)");
                case 404 -> DockerApiException.notFound(message);
                case 409 -> DockerApiException.conflict(message);
                case 429 -> new DockerApiException(DockerApiException.Kind.TOO_MANY_REQUESTS, message, e);
                default -> DockerApiException.unavailable(message, e);
            };
        }
        return DockerApiException.unavailable("ARM: cannot " + operation + ": " + ArmErrors.unwrap(e), e);
    }

    static boolean isNotFound(RuntimeException e) {
        return e instanceof HttpResponseException h
                && h.getResponse() != null
                && h.getResponse().getStatusCode() == 404;
    }
}
