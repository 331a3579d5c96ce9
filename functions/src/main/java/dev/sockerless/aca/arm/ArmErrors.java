package dev.sockerless.aca.arm;

import com.azure.core.exception.HttpResponseException;
import com.azure.core.management.exception.ManagementError;
import com.azure.core.management.exception.ManagementException;

/** ARM's error body ({@code {"error":{"code","message"}}}) in words. */
public final class ArmErrors {

    private ArmErrors() {}

    /** {@code " <code>: <message>"} from ARM's error body, or empty when it had none. */
    public static String describe(HttpResponseException e) {
        if (e instanceof ManagementException m && m.getValue() != null) {
            ManagementError error = m.getValue();
            String code = error.getCode() == null ? "" : " " + error.getCode();
            String message = error.getMessage() == null ? "" : ": " + error.getMessage();
            return code + message;
        }
        return "";
    }

    /** The innermost cause under Reactor's wrappers of checked exceptions (ConnectException, ...). */
    public static Throwable unwrap(Throwable e) {
        Throwable cause = e;
        while (cause.getCause() != null && cause.getClass().getName().startsWith("reactor.")) {
            cause = cause.getCause();
        }
        return cause;
    }
}
