package dev.sockerless.aca.localhost.sample;

import com.microsoft.azure.functions.ExecutionContext;
import com.microsoft.azure.functions.HttpMethod;
import com.microsoft.azure.functions.HttpRequestMessage;
import com.microsoft.azure.functions.HttpResponseMessage;
import com.microsoft.azure.functions.annotation.AuthorizationLevel;
import com.microsoft.azure.functions.annotation.FunctionName;
import com.microsoft.azure.functions.annotation.HttpTrigger;
import com.microsoft.azure.functions.annotation.QueueTrigger;
import java.util.Optional;

/** Functions the local host must skip without failing: an unknown binding and a non-HTTP trigger. */
public final class DurableSample {

    public DurableSample() {}

    @FunctionName("LogsFollow")
    public HttpResponseMessage follow(
            @HttpTrigger(
                            name = "req",
                            methods = {HttpMethod.GET},
                            route = "containers/{id}/logs",
                            authLevel = AuthorizationLevel.FUNCTION)
                    HttpRequestMessage<Optional<String>> request,
            @FakeDurableClientInput(name = "durableContext") Object durableContext,
            final ExecutionContext context) {
        throw new AssertionError("never served");
    }

    @FunctionName("QueueWorker")
    public void work(
            @QueueTrigger(name = "msg", queueName = "work", connection = "AzureWebJobsStorage") String msg,
            final ExecutionContext context) {}
}
