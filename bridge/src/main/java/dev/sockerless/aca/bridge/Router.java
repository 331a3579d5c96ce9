package dev.sockerless.aca.bridge;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.net.http.HttpRequest.BodyPublisher;
import java.net.http.HttpRequest.BodyPublishers;
import java.util.regex.Pattern;

/**
 * Chooses how a request goes to the app: the routes whose Docker behaviour the Functions host cannot give (streams,
 * hijacks, chunked uploads) have their own handler; every other request is forwarded as it is.
 */
final class Router {

    private static final Pattern ATTACH = Pattern.compile("/containers/[^/]+/attach");
    private static final Pattern WAIT = Pattern.compile("/containers/[^/]+/wait");
    private static final Pattern LOGS = Pattern.compile("/containers/[^/]+/logs");
    private static final Pattern PUSH = Pattern.compile("/images/.+/push");

    /** Marks a container the bridge removes after its attached run (see {@link #create}). */
    static final String AUTO_REMOVE_LABEL = "dev.sockerless.bridge.auto-remove";

    private final BridgeSettings settings;
    private final AppClient app;
    private final FollowLogs follow;
    private final LoadHandler load;
    private final WaitHandler waits;
    private final AttachHandler attach;

    Router(BridgeSettings settings, AppClient app) {
        this.settings = settings;
        this.app = app;
        this.follow = new FollowLogs(app, settings.retryPause());
        this.load = new LoadHandler(settings, app);
        Attachments attachments = new Attachments();
        this.waits = new WaitHandler(app, settings, attachments);
        this.attach = new AttachHandler(app, follow, attachments, settings);
    }

    void handle(Exchange ex) throws IOException {
        HttpRequest r = ex.request;
        String route = r.route();
        boolean post = r.method().equals("POST");
        if (post && route.equals("/containers/create")) {
            create(ex);
        } else if (post && ATTACH.matcher(route).matches()) {
            attach.handle(ex, container(route));
        } else if (post && WAIT.matcher(route).matches()) {
            waits.handle(ex, container(route));
        } else if (r.method().equals("GET") && LOGS.matcher(route).matches() && r.flag("follow")) {
            follow.handle(ex);
        } else if (post && route.equals("/images/load")) {
            load.handle(ex);
        } else if (post
                && (route.equals("/images/create") || PUSH.matcher(route).matches())) {
            forward(ex, true);
        } else {
            forward(ex, false);
        }
    }

    /** The {@code {id}} of {@code /containers/{id}/...}. */
    static String container(String route) {
        return route.split("/", -1)[2];
    }

    /**
     * Refuses stdin at create (the CLI would only print "unable to upgrade" at attach). An attached {@code --rm} run
     * ({@code AutoRemove} with stdout or stderr attached) is removed by the bridge after its wait and attach ended:
     * the app removes an {@code AutoRemove} container at the first read that sees it finished, which would cut the
     * attached log short and could take the exit code with it. Such a container is created without
     * {@code AutoRemove} and with the label {@value #AUTO_REMOVE_LABEL}.
     */
    private void create(Exchange ex) throws IOException {
        HttpRequest r = ex.request;
        byte[] body = readBody(r);
        try {
            JsonNode config = Exchange.JSON.readTree(body);
            if (config != null
                    && (config.path("OpenStdin").asBoolean(false)
                            || config.path("AttachStdin").asBoolean(false))) {
                throw new BridgeException(501, AttachHandler.INTERACTIVE);
            }
            if (config instanceof ObjectNode o
                    && o.path("HostConfig").path("AutoRemove").asBoolean(false)
                    && (o.path("AttachStdout").asBoolean(false)
                            || o.path("AttachStderr").asBoolean(false))) {
                ((ObjectNode) o.get("HostConfig")).put("AutoRemove", false);
                (o.path("Labels").isObject() ? (ObjectNode) o.get("Labels") : o.putObject("Labels"))
                        .put(AUTO_REMOVE_LABEL, "true");
                body = Exchange.JSON.writeValueAsBytes(o);
            }
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            // not JSON: the app says what is wrong with it
        }
        Relay.relay(ex, app.send(r.method(), r.target(), r.headers(), BodyPublishers.ofByteArray(body)), false);
    }

    /** Forwards the request unchanged (its body, chunked or not, is sent with a {@code Content-Length}). */
    void forward(Exchange ex, boolean lines) throws IOException {
        HttpRequest r = ex.request;
        AppClient.Reply reply = app.send(r.method(), r.target(), r.headers(), body(r));
        Relay.relay(ex, reply, lines);
    }

    /** The whole request body, refused above the Functions request limit. */
    BodyPublisher body(HttpRequest r) throws IOException {
        return BodyPublishers.ofByteArray(readBody(r));
    }

    byte[] readBody(HttpRequest r) throws IOException {
        byte[] bytes = r.body().readNBytes((int) Math.min(Integer.MAX_VALUE - 8, settings.requestLimit() + 1));
        if (bytes.length > settings.requestLimit()) {
            throw new BridgeException(
                    413,
                    "the request body is larger than the Functions request limit of " + settings.requestLimit()
                            + " bytes (SOCKERLESS_BRIDGE_REQUEST_LIMIT)");
        }
        return bytes;
    }
}
