package dev.sockerless.aca.docker;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.LinkedHashMap;
import java.util.Map;

/** {@code /_ping} and {@code /version}. */
public final class SystemHandlers {

    /** The version this server reports for itself. */
    public static final String SERVER_VERSION = "0.1.0";

    public ApiResponse ping(ApiRequest request) {
        Map<String, String> headers = new LinkedHashMap<>();
        headers.put("Api-Version", ApiVersion.MAX.toString());
        headers.put("Ostype", "linux");
        headers.put("Docker-Experimental", "false");
        headers.put("Swarm", "inactive");
        headers.put("Cache-Control", "no-cache, no-store, must-revalidate");
        headers.put("Pragma", "no-cache");
        headers.put("Server", "sockerless-aca/" + SERVER_VERSION);
        headers.put("Content-Type", "text/plain; charset=utf-8");
        byte[] body =
                "HEAD".equals(request.method()) ? new byte[0] : "OK".getBytes(java.nio.charset.StandardCharsets.UTF_8);
        return new ApiResponse(200, headers, body);
    }

    public ApiResponse version(ApiRequest request) {
        ObjectNode out = ApiResponse.MAPPER.createObjectNode();
        out.putObject("Platform").put("Name", "sockerless ACA");
        ObjectNode engine = out.putArray("Components").addObject();
        engine.put("Name", "Engine");
        engine.put("Version", SERVER_VERSION);
        ObjectNode details = engine.putObject("Details");
        details.put("ApiVersion", ApiVersion.MAX.toString());
        details.put("MinAPIVersion", ApiVersion.MIN.toString());
        details.put("Os", "linux");
        details.put("Arch", "amd64");
        out.put("Version", SERVER_VERSION);
        out.put("ApiVersion", ApiVersion.MAX.toString());
        out.put("MinAPIVersion", ApiVersion.MIN.toString());
        out.put("Os", "linux");
        out.put("Arch", "amd64");
        out.put("KernelVersion", "");
        out.put("GitCommit", "");
        out.put("GoVersion", "");
        out.put("BuildTime", "");
        out.put("Experimental", false);
        return ApiResponse.json(200, out);
    }
}
