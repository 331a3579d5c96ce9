package dev.sockerless.aca.localhost;

import com.microsoft.azure.functions.ExecutionContext;
import java.util.UUID;
import java.util.logging.Logger;

/** The {@link ExecutionContext} of one invocation: a logger named {@code Function.<name>} and a random invocation id. */
public final class LocalExecutionContext implements ExecutionContext {

    private final String functionName;
    private final String invocationId;
    private final Logger logger;

    public LocalExecutionContext(String functionName) {
        this.functionName = functionName;
        this.invocationId = UUID.randomUUID().toString();
        this.logger = Logger.getLogger("Function." + functionName);
    }

    @Override
    public Logger getLogger() {
        return logger;
    }

    @Override
    public String getInvocationId() {
        return invocationId;
    }

    @Override
    public String getFunctionName() {
        return functionName;
    }
}
