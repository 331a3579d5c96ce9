package dev.sockerless.aca.testing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import java.io.IOException;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Supplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A strict stand-in for ARM's {@code Microsoft.App/jobs} (api-version 2025-01-01), after
 * Azure/azure-rest-api-specs {@code specification/app/resource-manager/Microsoft.App/stable/2025-01-01/Jobs.json} and its examples: exact paths and api-version, every job PUT checked with {@link JobSchema} (schema and CPU/memory totals; and
 * {@code environmentId}/{@code location} immutable), ARM's error shape, only the SDK's expected statuses, and LROs
 * either finished at once without LRO headers ({@link Lro#IMMEDIATE}) or through {@code Azure-AsyncOperation} /
 * {@code Location} with {@code Retry-After: 1} ({@link Lro#ASYNC}; 0 would make the SDK wait 30 s). Executions run on
 * the test's clock: Running until {@link #finish} or the {@link #runFor} default ends them; a stopped one ends
 * Stopped. Served by {@link ArmStandIn}'s server.
 */
public final class JobsStandIn {

    public static final String API_VERSION = "2025-01-01";

    /** How long-running operations answer. */
    public enum Lro {
        IMMEDIATE,
        ASYNC
    }

    /** ARM operations a test can make fail once with {@link #failNext}. */
    public enum Op {
        PUT,
        GET,
        START,
        EXECUTION,
        EXECUTIONS,
        STOP,
        DELETE
    }

    /** A job as stored: its last accepted PUT body. */
    public record Job(String resourceGroup, String name, ObjectNode body, String location, String environmentId) {}

    /** An execution; status, start and end as ARM reports them. */
    public static final class Execution {
        public final String job;
        public final String name;
        volatile String status = "Running";
        final Instant start;
        volatile Instant end;
        volatile Instant endsAt;
        volatile String outcome;
        final long sequence = SEQUENCE.incrementAndGet();

        Execution(String job, String name, Instant start) {
            this.job = job;
            this.name = name;
            this.start = start;
        }

        synchronized String status(Instant now) {
            if (status.equals("Running") && endsAt != null && !now.isBefore(endsAt)) {
                status = outcome;
                end = endsAt;
            }
            return status;
        }
    }

    private record Failure(int status, String code, String message) {}

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String NAME = "[-\\w._()]+";
    private static final Pattern JOB = Pattern.compile(
            "/subscriptions/([^/]+)/resourceGroups/([^/]+)/providers/" + "Microsoft\\.App/jobs/([^/]+)(/.*)?");
    private static final Pattern OPERATION = Pattern.compile("/subscriptions/([^/]+)/providers/Microsoft\\.App/"
            + "locations/([^/]+)/(containerappsjobOperationStatuses|containerappsjobOperationResults)/([^/]+)");
    private static final SecureRandom RANDOM = new SecureRandom();
    private static final java.util.concurrent.atomic.AtomicLong SEQUENCE = new java.util.concurrent.atomic.AtomicLong();

    private final Clock clock;
    private final Supplier<String> base;
    private final Map<String, Job> jobs = new ConcurrentHashMap<>();
    private final Map<String, Execution> executions = new ConcurrentHashMap<>();
    private final Map<String, String> operations = new ConcurrentHashMap<>(); // id → final body ("" = none)
    private final Map<Op, Failure> failures = new ConcurrentHashMap<>();
    /** Every schema violation of a PUT (the PUT was refused with 400). */
    public final List<String> violations = new CopyOnWriteArrayList<>();

    private volatile Lro lro = Lro.IMMEDIATE;
    private volatile Duration runFor;
    private volatile String outcome = "Succeeded";
    private volatile boolean workloadProfiles;

    JobsStandIn(Clock clock, Supplier<String> base) {
        this.clock = clock;
        this.base = base;
    }

    static boolean handles(String path) {
        return JOB.matcher(path).matches() || OPERATION.matcher(path).matches();
    }

    public JobsStandIn lro(Lro mode) {
        this.lro = mode;
        return this;
    }

    /** New executions end with {@code status} after {@code d} of the clock (null: they run until {@link #finish}). */
    public JobsStandIn runFor(Duration d, String status) {
        this.runFor = d;
        this.outcome = status;
        return this;
    }

    /** Whether the environment has workload profiles (CPU/memory totals up to 4/8Gi instead of 2/4Gi). */
    public JobsStandIn workloadProfiles(boolean value) {
        this.workloadProfiles = value;
        return this;
    }

    /** The next request of {@code op} fails with ARM's error body. */
    public void failNext(Op op, int status, String code, String message) {
        failures.put(op, new Failure(status, code, message));
    }

    /** Ends a running execution now with {@code status} (Succeeded, Failed, ...). */
    public void finish(String executionName, String status) {
        Execution e = executions.get(executionName);
        synchronized (e) {
            e.status = status;
            e.end = clock.instant();
        }
    }

    public Optional<Job> job(String name) {
        return jobs.values().stream().filter(j -> j.name().equals(name)).findFirst();
    }

    public List<Job> jobs() {
        return List.copyOf(jobs.values());
    }

    /** The job's executions, newest first. */
    public List<Execution> executions(String job) {
        return executions.values().stream()
                .filter(e -> e.job.equals(job))
                .sorted(Comparator.comparing((Execution e) -> e.start)
                        .thenComparingLong(e -> e.sequence)
                        .reversed())
                .toList();
    }

    public String status(String executionName) {
        return executions.get(executionName).status(clock.instant());
    }

    void handle(HttpExchange ex, String path, Map<String, String> query) throws IOException {
        String apiVersion = query.get("api-version");
        if (apiVersion == null) {
            error(
                    ex,
                    400,
                    "MissingApiVersionParameter",
                    "The api-version query parameter (?api-version=) is required" + " for all requests.");
            return;
        }
        if (!apiVersion.equals(API_VERSION)) {
            error(
                    ex,
                    400,
                    "InvalidApiVersionParameter",
                    "The api-version '" + apiVersion + "' is invalid. The" + " supported versions are '" + API_VERSION
                            + "'.");
            return;
        }
        Matcher op = OPERATION.matcher(path);
        if (op.matches()) {
            operation(ex, op.group(3), op.group(4));
            return;
        }
        Matcher m = JOB.matcher(path);
        m.matches();
        String rg = m.group(2);
        String name = m.group(3);
        if (rg.length() > 90 || !rg.matches(NAME) || !name.matches(NAME)) {
            error(
                    ex,
                    400,
                    "InvalidResourceName",
                    "The resource name '" + name + "' or resource group '" + rg + "' is invalid.");
            return;
        }
        String rest = m.group(4) == null ? "" : m.group(4);
        String method = ex.getRequestMethod();
        String key = (rg + "/" + name).toLowerCase(Locale.ROOT);
        String jobId =
                "/subscriptions/" + m.group(1) + "/resourceGroups/" + rg + "/providers/Microsoft.App/jobs/" + name;
        Matcher exec = Pattern.compile("/executions/(" + NAME + ")(/stop)?").matcher(rest);
        if (rest.isEmpty() && method.equals("PUT")) {
            put(ex, key, rg, name, jobId);
        } else if (rest.isEmpty() && method.equals("GET")) {
            if (!failed(ex, Op.GET)) {
                Job job = jobs.get(key);
                if (job == null) {
                    notFound(ex, name, rg);
                } else {
                    reply(ex, 200, job(job, jobId, "Succeeded").toString(), Map.of());
                }
            }
        } else if (rest.isEmpty() && method.equals("DELETE")) {
            delete(ex, key, m.group(1), jobId);
        } else if (rest.equals("/start") && method.equals("POST")) {
            start(ex, key, name, rg, m.group(1), jobId);
        } else if (rest.equals("/executions") && method.equals("GET")) {
            if (!failed(ex, Op.EXECUTIONS)) {
                listExecutions(ex, key, name, rg, jobId, query);
            }
        } else if (exec.matches() && exec.group(2) == null && method.equals("GET")) {
            if (!failed(ex, Op.EXECUTION)) {
                getExecution(ex, key, name, rg, jobId, exec.group(1));
            }
        } else if (exec.matches() && exec.group(2) != null && method.equals("POST")) {
            stop(ex, key, name, rg, m.group(1), exec.group(1));
        } else {
            error(
                    ex,
                    400,
                    "InvalidResourceType",
                    "The resource type '" + rest + "' with method " + method
                            + " could not be found in the namespace 'Microsoft.App' for api version '" + apiVersion
                            + "'.");
        }
    }

    private void put(HttpExchange ex, String key, String rg, String name, String jobId) throws IOException {
        if (failed(ex, Op.PUT)) {
            return;
        }
        JsonNode body;
        try {
            body = JSON.readTree(ex.getRequestBody().readAllBytes());
        } catch (IOException e) {
            error(
                    ex,
                    400,
                    "InvalidRequestContent",
                    "The request content was invalid and could not be deserialized: " + e.getMessage());
            return;
        }
        List<String> problems = new java.util.ArrayList<>();
        if (body == null || !body.isObject()) {
            problems.add("the body is not a JSON object");
        } else {
            problems.addAll(JobSchema.violations(body));
            problems.addAll(JobSchema.resourceViolations(body, workloadProfiles));
        }
        if (!problems.isEmpty()) {
            violations.addAll(problems);
            error(ex, 400, "InvalidRequestContent", "The job is invalid: " + String.join("; ", problems));
            return;
        }
        String location = body.path("location").asText();
        String environment = body.path("properties").path("environmentId").asText();
        Job existing = jobs.get(key);
        if (existing != null
                && (!existing.location().equalsIgnoreCase(location)
                        || !existing.environmentId().equalsIgnoreCase(environment))) {
            error(
                    ex,
                    400,
                    "JobPropertyCannotBeChanged",
                    "The location and environmentId of the job '" + name + "' cannot be changed.");
            return;
        }
        Job job = new Job(rg, name, (ObjectNode) body, location, environment);
        jobs.put(key, job);
        int status = existing == null ? 201 : 200;
        if (lro == Lro.IMMEDIATE) {
            reply(ex, status, job(job, jobId, "Succeeded").toString(), Map.of());
            return;
        }
        String id = operationId();
        operations.put(id, "");
        reply(
                ex,
                status,
                job(job, jobId, "InProgress").toString(),
                Map.of(
                        "Azure-AsyncOperation",
                        operationUrl(jobId, location, "containerappsjobOperationStatuses", id),
                        "Retry-After",
                        "1"));
    }

    private void start(HttpExchange ex, String key, String name, String rg, String sub, String jobId)
            throws IOException {
        if (failed(ex, Op.START)) {
            return;
        }
        Job job = jobs.get(key);
        if (job == null) {
            notFound(ex, name, rg);
            return;
        }
        byte[] raw = ex.getRequestBody().readAllBytes();
        if (raw.length > 0) {
            JsonNode body = JSON.readTree(raw);
            if (body == null || !body.isObject() || body.has("template")) {
                error(ex, 400, "InvalidRequestContent", "The start body must be a bare JobExecutionTemplate.");
                return;
            }
        }
        String executionName = name + "-" + suffix();
        Execution e = new Execution(name, executionName, clock.instant());
        if (runFor != null) {
            e.endsAt = e.start.plus(runFor);
            e.outcome = outcome;
        }
        executions.put(executionName, e);
        ObjectNode out = JSON.createObjectNode();
        out.put("name", executionName);
        out.put("id", jobId + "/executions/" + executionName);
        if (lro == Lro.IMMEDIATE) {
            reply(ex, 200, out.toString(), Map.of());
            return;
        }
        String id = operationId();
        operations.put(id, out.toString());
        reply(
                ex,
                202,
                "",
                Map.of(
                        "Location",
                        operationUrl(jobId, job.location(), "containerappsjobOperationResults", id),
                        "Retry-After",
                        "1"));
    }

    private void stop(HttpExchange ex, String key, String name, String rg, String sub, String executionName)
            throws IOException {
        if (failed(ex, Op.STOP)) {
            return;
        }
        Job job = jobs.get(key);
        Execution e = executions.get(executionName);
        if (job == null || e == null || !e.job.equals(name)) {
            executionNotFound(ex, name, rg, executionName);
            return;
        }
        synchronized (e) {
            if (e.status(clock.instant()).equals("Running")) {
                e.status = "Stopped";
                e.end = clock.instant();
            }
        }
        if (lro == Lro.IMMEDIATE) {
            reply(ex, 200, "", Map.of());
            return;
        }
        String id = operationId();
        operations.put(id, "");
        reply(
                ex,
                202,
                "",
                Map.of(
                        "Location",
                        operationUrl("/subscriptions/" + sub, job.location(), "containerappsjobOperationResults", id),
                        "Retry-After",
                        "1"));
    }

    private void delete(HttpExchange ex, String key, String sub, String jobId) throws IOException {
        if (failed(ex, Op.DELETE)) {
            return;
        }
        Job job = jobs.remove(key);
        if (job == null) {
            reply(ex, 204, "", Map.of());
            return;
        }
        executions.values().removeIf(e -> e.job.equals(job.name()));
        if (lro == Lro.IMMEDIATE) {
            reply(ex, 200, "", Map.of());
            return;
        }
        String id = operationId();
        operations.put(id, "");
        reply(
                ex,
                202,
                "",
                Map.of(
                        "Location",
                        operationUrl(jobId, job.location(), "containerappsjobOperationResults", id),
                        "Retry-After",
                        "1"));
    }

    private void listExecutions(
            HttpExchange ex, String key, String name, String rg, String jobId, Map<String, String> query)
            throws IOException {
        if (query.containsKey("$filter")) {
            error(ex, 400, "InvalidParameterValue", "The parameter filter has an invalid value.");
            return;
        }
        if (!jobs.containsKey(key)) {
            notFound(ex, name, rg);
            return;
        }
        ObjectNode out = JSON.createObjectNode();
        ArrayNode value = out.putArray("value");
        executions(name).forEach(e -> value.add(execution(e, jobId)));
        out.putNull("nextLink");
        reply(ex, 200, out.toString(), Map.of());
    }

    private void getExecution(HttpExchange ex, String key, String name, String rg, String jobId, String executionName)
            throws IOException {
        Execution e = executions.get(executionName);
        if (!jobs.containsKey(key) || e == null || !e.job.equals(name)) {
            executionNotFound(ex, name, rg, executionName);
            return;
        }
        reply(ex, 200, execution(e, jobId).toString(), Map.of());
    }

    private void operation(HttpExchange ex, String kind, String id) throws IOException {
        String result = operations.get(id);
        if (result == null || !ex.getRequestMethod().equals("GET")) {
            error(ex, 404, "OperationNotFound", "The operation '" + id + "' was not found.");
            return;
        }
        if (kind.equals("containerappsjobOperationStatuses")) {
            ObjectNode status = JSON.createObjectNode();
            status.put("id", id);
            status.put("name", id);
            status.put("status", "Succeeded");
            reply(ex, 200, status.toString(), Map.of());
        } else {
            reply(ex, 200, result, Map.of());
        }
    }

    private ObjectNode job(Job job, String jobId, String provisioningState) {
        ObjectNode out = job.body().deepCopy();
        out.put("id", jobId);
        out.put("name", job.name());
        out.put("type", "Microsoft.App/jobs");
        ObjectNode properties = (ObjectNode) out.path("properties");
        properties.put("provisioningState", provisioningState);
        properties.put(
                "eventStreamEndpoint",
                "https://" + job.location().toLowerCase(Locale.ROOT).replace(" ", "") + ".azurecontainerapps.dev"
                        + jobId + "/eventstream");
        return out;
    }

    private ObjectNode execution(Execution e, String jobId) {
        ObjectNode out = JSON.createObjectNode();
        out.put("id", jobId + "/executions/" + e.name);
        out.put("name", e.name);
        out.put("type", "Microsoft.App/jobs/executions");
        ObjectNode properties = out.putObject("properties");
        properties.put("status", e.status(clock.instant()));
        properties.put("startTime", e.start.toString());
        if (e.end != null) {
            properties.put("endTime", e.end.toString());
        }
        return out;
    }

    private boolean failed(HttpExchange ex, Op op) throws IOException {
        Failure f = failures.remove(op);
        if (f == null) {
            return false;
        }
        ex.getRequestBody().readAllBytes();
        error(ex, f.status(), f.code(), f.message());
        return true;
    }

    private void notFound(HttpExchange ex, String name, String rg) throws IOException {
        error(
                ex,
                404,
                "ResourceNotFound",
                "The Resource 'Microsoft.App/jobs/" + name + "' under resource group '" + rg
                        + "' was not found. For more details please go to https://aka.ms/ARMResourceNotFoundFix");
    }

    private void executionNotFound(HttpExchange ex, String name, String rg, String execution) throws IOException {
        error(
                ex,
                404,
                "ResourceNotFound",
                "The Resource 'Microsoft.App/jobs/" + name + "/executions/" + execution
                        + "' under resource group '" + rg + "' was not found. For more details please go to"
                        + " https://aka.ms/ARMResourceNotFoundFix");
    }

    private String operationUrl(String scope, String location, String kind, String id) {
        String subscription = scope.split("/")[2];
        return base.get() + "/subscriptions/" + subscription + "/providers/Microsoft.App/locations/"
                + location.toLowerCase(Locale.ROOT).replace(" ", "") + "/" + kind + "/" + id + "?api-version="
                + API_VERSION;
    }

    private static String operationId() {
        return java.util.UUID.randomUUID().toString();
    }

    private static String suffix() {
        String alphabet = "abcdefghijklmnopqrstuvwxyz0123456789";
        StringBuilder s = new StringBuilder();
        for (int i = 0; i < 7; i++) {
            s.append(alphabet.charAt(RANDOM.nextInt(alphabet.length())));
        }
        return s.toString();
    }

    static void error(HttpExchange ex, int status, String code, String message) throws IOException {
        ObjectNode out = JSON.createObjectNode();
        ObjectNode error = out.putObject("error");
        error.put("code", code);
        error.put("message", message);
        reply(ex, status, out.toString(), Map.of());
    }

    static void reply(HttpExchange ex, int status, String body, Map<String, String> headers) throws IOException {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        headers.forEach((k, v) -> ex.getResponseHeaders().add(k, v));
        if (bytes.length > 0) {
            ex.getResponseHeaders().add("Content-Type", "application/json; charset=utf-8");
        }
        ex.getResponseHeaders()
                .add("x-ms-request-id", java.util.UUID.randomUUID().toString());
        ex.sendResponseHeaders(status, status == 204 || bytes.length == 0 ? -1 : bytes.length);
        if (bytes.length > 0) {
            ex.getResponseBody().write(bytes);
        }
    }

    static Map<String, String> query(String raw) {
        Map<String, String> out = new LinkedHashMap<>();
        if (raw == null || raw.isEmpty()) {
            return out;
        }
        for (String pair : raw.split("&")) {
            int eq = pair.indexOf('=');
            String k = URLDecoder.decode(eq < 0 ? pair : pair.substring(0, eq), StandardCharsets.UTF_8);
            String v = eq < 0 ? "" : URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8);
            out.put(k, v);
        }
        return out;
    }
}
