package dev.sockerless.aca.logs;

import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The query for a job container's exit code in the system logs (MicrosoftDocs/azure-reference-other
 * {@code azure-monitor-ref/tables/includes/containerappsystemlogs-include.md}; microsoft/azure-container-apps #1085):
 * {@code ContainerAppSystemLogs_CL} (no authoritative schema: every column through {@code column_ifexists}, the
 * execution by {@code ExecutionName_s} or the replica prefix) and {@code ContainerAppSystemLogs} (documented columns,
 * no execution column: the replica {@code <execution>-…}), rows with reason {@code ContainerTerminated}, newest first.
 * The code is parsed from the text {@code Container '<c>' was terminated with exit code '<n>'} (Field:
 * microsoft/azure-container-apps#1085).
 */
public final class SystemLogsKql {

    public static final String LEGACY = "ContainerAppSystemLogs_CL";
    public static final String RESOURCE = "ContainerAppSystemLogs";
    public static final String TERMINATED = "ContainerTerminated";
    static final String TIME = "t";
    static final String REPLICA = "replica";
    static final String EXECUTION = "execution";
    static final String CONTAINER = "container";
    static final String LINE = "line";
    static final int ROWS = 20;
    private static final Pattern TERMINATED_TEXT =
            Pattern.compile("Container '([^']*)' was terminated with exit code '(-?\\d+)'");
    private static final Pattern ANY_CODE = Pattern.compile("exit code '(-?\\d+)'");

    private SystemLogsKql() {}

    public static String exitCodes(LogTarget t) {
        ContainerLogsKql.checkNames(t);
        String job = ContainerLogsKql.literal(t.jobName());
        return "union isfuzzy=true (" + LEGACY
                + "\n| where column_ifexists('JobName_s', '') == " + job
                + " and column_ifexists('Reason_s', '') == '" + TERMINATED + "'"
                + "\n| project " + TIME + " = TimeGenerated, " + REPLICA + " = column_ifexists('ReplicaName_s', ''), "
                + EXECUTION + " = column_ifexists('ExecutionName_s', ''), " + CONTAINER
                + " = column_ifexists('ContainerName_s', ''), " + LINE + " = column_ifexists('Log_s', '')), ("
                + RESOURCE
                + "\n| where JobName == " + job + " and Reason == '" + TERMINATED + "'"
                + "\n| project " + TIME + " = TimeGenerated, " + REPLICA + " = ReplicaName, " + EXECUTION + " = '', "
                + CONTAINER + " = ContainerName, " + LINE + " = Log)"
                + "\n| where " + EXECUTION + " == " + ContainerLogsKql.literal(t.executionName()) + " or " + REPLICA
                + " startswith " + ContainerLogsKql.literal(t.executionName() + "-")
                + "\n| order by " + TIME + " desc"
                + "\n| take " + ROWS;
    }

    /** One system log row: its container column (may be empty) and text. */
    public record Row(String container, String line) {}

    /**
     * The newest exit code of {@code container} among {@code rows} (newest first): the row's container column, else
     * the name in the text, must be the main container; init containers and the agent's never count.
     */
    public static Optional<Integer> exitCode(List<Row> rows, String container) {
        for (Row r : rows) {
            Matcher m = TERMINATED_TEXT.matcher(r.line());
            String named = !r.container().isEmpty() ? r.container() : m.find() ? m.group(1) : "";
            if (!named.equals(container)) {
                continue;
            }
            Matcher code = ANY_CODE.matcher(r.line());
            if (code.find()) {
                try {
                    return Optional.of(Integer.parseInt(code.group(1)));
                } catch (NumberFormatException e) {
                    return Optional.empty();
                }
            }
        }
        return Optional.empty();
    }
}
